namespace Broker.Cli;

/// <summary>
/// An error brokerctl itself detects (a missing topic, an unsupported feature, input it cannot use), reported as
/// one line and <see cref="ExitCode"/>, exactly as a broker error is.
/// </summary>
internal sealed class CliException : Exception
{
    public CliException(string message, int exitCode = ExitCodes.Failure)
        : base(message) => ExitCode = exitCode;

    public int ExitCode { get; }
}
