using Broker.Cli;

namespace Broker.Cli.Tests.Support;

/// <summary>The outcome of one in-process brokerctl invocation: exit code and everything it printed.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>Runs brokerctl with <paramref name="args"/> and <paramref name="stdin"/> as its input.</summary>
    public static async Task<CliRun> RunAsync(string[] args, string stdin = "", CancellationToken cancellationToken = default)
    {
        using var input = new StringReader(stdin);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await BrokerCtl.RunAsync(args, input, output, error, cancellationToken);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}
