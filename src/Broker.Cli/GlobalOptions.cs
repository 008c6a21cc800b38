using System.CommandLine;

namespace Broker.Cli;

/// <summary>
/// The options every command takes (<c>--bootstrap</c>, <c>--output</c>). One instance per root command: options are
/// mutable while a command tree is built, so tests building trees in parallel must not share them.
/// </summary>
internal sealed class GlobalOptions
{
    public const string BootstrapVariable = "BROKER_BOOTSTRAP";

    public const string BootstrapDefault = "127.0.0.1:9192";

    public Option<string> Bootstrap { get; } = new("--bootstrap", "-b")
    {
        Description = $"Brokers to connect to first, host:port[,host:port]. Default: ${BootstrapVariable}, else {BootstrapDefault}.",
        HelpName = "host:port",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(BootstrapVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : BootstrapDefault,
    };

    public Option<string> Output { get; } = CreateOutput();

    private static Option<string> CreateOutput()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "text (tables, for people) or json (one object per line, for scripts).",
            Recursive = true,
            DefaultValueFactory = _ => "text",
        };
        option.AcceptOnlyFromAmong("text", "json");
        return option;
    }
}
