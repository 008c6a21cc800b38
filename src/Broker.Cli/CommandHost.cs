using System.CommandLine;
using Broker.Client.Network;

namespace Broker.Cli;

/// <summary>
/// What command factories need to bind their actions: this invocation's streams and the global options. Each
/// action receives a ready <see cref="CommandContext"/>, so commands never read globals or the process console.
/// </summary>
internal sealed class CommandHost(CliStreams streams, GlobalOptions options)
{
    public GlobalOptions Options { get; } = options;

    /// <summary>Sets <paramref name="command"/>'s action to <paramref name="run"/> with a context for the parse.</summary>
    public void Bind(Command command, Func<CommandContext, ParseResult, Task<int>> run) =>
        command.SetAction((parse, cancellation) => run(ContextFor(parse, cancellation), parse));

    private CommandContext ContextFor(ParseResult parse, CancellationToken cancellation)
    {
        var bootstrap = parse.GetValue(Options.Bootstrap) ?? GlobalOptions.BootstrapDefault;
        try
        {
            _ = BrokerEndpoint.ParseList(bootstrap);
        }
        catch (ArgumentException e)
        {
            // Checked here rather than in the client so a typo reads as a usage error, not a connection failure.
            var reason = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal);
            throw new CliException($"--bootstrap: {reason}", ExitCodes.Usage);
        }

        var output = parse.GetValue(Options.Output) == "json" ? OutputFormat.Json : OutputFormat.Text;
        return new CommandContext(bootstrap, output, streams, cancellation);
    }
}
