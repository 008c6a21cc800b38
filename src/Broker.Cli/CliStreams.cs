namespace Broker.Cli;

/// <summary>
/// The standard streams of one invocation, and whether stdout and stderr are terminals. Tests pass string writers
/// (not terminals), so no ANSI escape or progress bar reaches captured output.
/// </summary>
internal sealed record CliStreams(TextReader In, TextWriter Out, TextWriter Error, bool OutIsTerminal, bool ErrorIsTerminal);
