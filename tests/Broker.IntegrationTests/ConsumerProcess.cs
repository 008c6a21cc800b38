using System.Diagnostics;
using System.Text.Json;

namespace Broker.IntegrationTests;

/// <summary>
/// <c>brokerctl consume TOPIC --group G --output json</c> as a child process: a group member that a test can kill
/// with SIGKILL (no commit, no leave), reporting each record it prints.
/// </summary>
internal sealed class ConsumerProcess : IDisposable
{
    private readonly Process _process;

    public ConsumerProcess(string bootstrap, string topic, string group, Action<int, long> onRecord)
    {
        var brokerctl = Path.Combine(AppContext.BaseDirectory, "brokerctl.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { brokerctl, "--bootstrap", bootstrap, "--output", "json", "consume", topic, "--group", group, "--from-beginning" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start brokerctl.");
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                using var json = JsonDocument.Parse(line);
                onRecord(json.RootElement.GetProperty("partition").GetInt32(), json.RootElement.GetProperty("offset").GetInt64());
            }
        };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>SIGKILL: the member neither commits nor leaves; the coordinator notices only when its session expires.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
