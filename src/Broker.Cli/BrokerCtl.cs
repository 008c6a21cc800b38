using System.CommandLine;
using Broker.Cli.Commands;
using Broker.Core.Errors;

namespace Broker.Cli;

/// <summary>
/// brokerctl's entry point, callable in-process: builds the command tree, runs one command line, and turns every
/// failure into an exit code and one line on stderr (never a stack trace for an operating error).
/// </summary>
public static class BrokerCtl
{
    private const string Prefix = "brokerctl: ";

    /// <summary>Runs one command line with the given streams, none of them a terminal (no colour, no progress bars).</summary>
    /// <returns>The exit code: 0 success, 1 operating error, 2 usage error, 130 cancelled, 70 internal error.</returns>
    public static Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default) =>
        RunAsync(args, new CliStreams(stdin, stdout, stderr, OutIsTerminal: false, ErrorIsTerminal: false), cancellationToken);

    internal static async Task<int> RunAsync(string[] args, CliStreams streams, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        var parse = CreateRootCommand(streams).Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line, as every error: the parser's complaints joined, and where to look.
            var reasons = string.Join("; ", parse.Errors.Select(error => OneLine(error.Message).TrimEnd('.')).Distinct());
            await streams.Error.WriteLineAsync(Prefix + reasons + HelpHint);
            return ExitCodes.Usage;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = streams.Out,
                Error = streams.Error,
                EnableDefaultExceptionHandler = false, // failures are mapped below, without stack traces
                ProcessTerminationTimeout = null, // Ctrl+C arrives through cancellationToken (see Program)
            }, cancellationToken);
        }
        catch (Exception e)
        {
            var (code, message) = Describe(e, cancellationToken);
            await streams.Error.WriteLineAsync(Prefix + (code == ExitCodes.Usage ? OneLine(message).TrimEnd('.') + HelpHint : OneLine(message)));
            return code;
        }
        finally
        {
            await streams.Out.FlushAsync(CancellationToken.None);
            await streams.Error.FlushAsync(CancellationToken.None);
        }
    }

    internal static RootCommand CreateRootCommand(CliStreams streams)
    {
        var options = new GlobalOptions();
        var host = new CommandHost(streams, options);
        return new RootCommand("brokerctl: administer topics and consumer groups, produce and consume records, and measure a broker's throughput and latency.")
        {
            options.Bootstrap,
            options.Output,
            TopicCommand.Create(host),
            GroupCommand.Create(host),
            ProduceCommand.Create(host),
            ConsumeCommand.Create(host),
            ClusterCommand.Create(host),
            PerfCommand.Create(host),
        };
    }

    /// <summary>The exit code and message for a failed command. Unexpected exceptions are bugs: code 70, still one line.</summary>
    private static (int Code, string Message) Describe(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        CliException cli => (cli.ExitCode, cli.Message),
        BrokerException broker => (ExitCodes.Failure, broker.Message),
        OperationCanceledException when cancellationToken.IsCancellationRequested => (ExitCodes.Cancelled, "cancelled"),
        IOException io => (ExitCodes.Failure, io.Message), // a closed pipe or an unreadable stdin
        _ => (ExitCodes.InternalError, $"internal error: {exception.GetType().Name}: {exception.Message}"),
    };

    /// <summary>Ends a usage error's line: where to read what the command takes.</summary>
    private const string HelpHint = " (see 'brokerctl --help', or add --help to the command)";

    /// <summary>Messages from the broker or the client may span lines; the promise is one line per error.</summary>
    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
