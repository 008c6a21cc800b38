using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Broker.IntegrationTests;

/// <summary>
/// The built broker executable as a child process on 127.0.0.1, so a test can kill it with SIGKILL (no clean
/// shutdown, no flush, no checkpoint) and start it again on the same data directory and port.
/// </summary>
public sealed class BrokerProcess : IDisposable
{
    private readonly string _dataDir;
    private readonly string[] _extraArgs;
    private readonly ConcurrentQueue<string> _errorLines = new();
    private Process? _process;

    public BrokerProcess(string dataDir, params string[] extraArgs)
    {
        _dataDir = dataDir;
        _extraArgs = extraArgs;
        Port = FreePort();
    }

    public int Port { get; }

    public string Bootstrap => $"127.0.0.1:{Port}";

    /// <summary>Variables added to the broker's environment (on top of this process's) at the next start.</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>The lines the broker has written to stderr, over all its starts.</summary>
    public IReadOnlyList<string> ErrorLines => [.. _errorLines];

    public void Start()
    {
        Launch();
        WaitUntilListening(TimeSpan.FromSeconds(60));
    }

    /// <summary>Starts a broker that is expected to refuse to start, and returns its exit code once it has exited.</summary>
    public int StartExpectingExit(TimeSpan timeout)
    {
        var process = Launch();
        if (!process.WaitForExit(timeout))
        {
            throw new TimeoutException($"The broker was still running after {timeout}.");
        }

        process.WaitForExit(); // until stderr has been read to its end
        var exitCode = process.ExitCode;
        process.Dispose();
        _process = null;
        return exitCode;
    }

    private Process Launch()
    {
        // The server's build output is copied beside the tests (ProjectReference to an executable).
        var server = Path.Combine(AppContext.BaseDirectory, "Broker.Server.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { server, "--data-dir", _dataDir, "--listen", Bootstrap, "--http-listen", "", "--Logging:LogLevel:Default=Warning" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in _extraArgs)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the broker process.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                _errorLines.Enqueue(line.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        return _process;
    }

    /// <summary>SIGKILL: the process gets no chance to flush, checkpoint or write its clean-shutdown marker.</summary>
    public void Kill()
    {
        _process?.Kill(entireProcessTree: true);
        _process?.WaitForExit();
        _process?.Dispose();
        _process = null;
    }

    public void Dispose() => Kill();

    private void WaitUntilListening(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"The broker exited with code {_process.ExitCode} while starting: {string.Join(" | ", _errorLines)}");
            }

            try
            {
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                socket.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }

        throw new TimeoutException($"The broker did not listen on {Bootstrap} within {timeout}.");
    }

    /// <summary>A port nothing listens on now (the OS picks it; it may be taken again later).</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
