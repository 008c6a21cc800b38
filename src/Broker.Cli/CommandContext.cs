using Broker.Cli.Output;
using Broker.Client;
using Spectre.Console;

namespace Broker.Cli;

/// <summary>
/// What one command invocation works with: the cluster to talk to, the output format, the streams, and the token
/// that Ctrl+C cancels. Built once per invocation by <see cref="CommandHost"/>.
/// </summary>
internal sealed class CommandContext
{
    private const string ClientId = "brokerctl";

    private IAnsiConsole? _console;
    private IAnsiConsole? _errorConsole;

    public CommandContext(string bootstrap, OutputFormat output, CliStreams streams, CancellationToken cancellation)
    {
        Bootstrap = bootstrap;
        Output = output;
        Streams = streams;
        Cancellation = cancellation;
    }

    public string Bootstrap { get; }

    public OutputFormat Output { get; }

    public bool Json => Output == OutputFormat.Json;

    public CliStreams Streams { get; }

    public TextReader In => Streams.In;

    public TextWriter Out => Streams.Out;

    public TextWriter Error => Streams.Error;

    public CancellationToken Cancellation { get; }

    /// <summary>Spectre console over stdout: colours and box drawing only when stdout is a terminal.</summary>
    public IAnsiConsole Console => _console ??= CliConsoles.Create(Streams.Out, Streams.OutIsTerminal);

    /// <summary>Spectre console over stderr, for progress bars (only drawn when stderr is a terminal).</summary>
    public IAnsiConsole ErrorConsole => _errorConsole ??= CliConsoles.Create(Streams.Error, Streams.ErrorIsTerminal);

    public AdminClient CreateAdmin() => new(Configure(new AdminClientOptions()));

    /// <summary>Points client options at this invocation's cluster under brokerctl's client id.</summary>
    public T Configure<T>(T options)
        where T : ClientOptions
    {
        options.BootstrapServers = Bootstrap;
        options.ClientId = ClientId;
        return options;
    }
}
