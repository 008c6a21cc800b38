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
    private Process? _process;

    public BrokerProcess(string dataDir, params string[] extraArgs)
    {
        _dataDir = dataDir;
        _extraArgs = extraArgs;
        Port = FreePort();
    }

    public int Port { get; }

    public string Bootstrap => $"127.0.0.1:{Port}";

    public void Start()
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

        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the broker process.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilListening(TimeSpan.FromSeconds(60));
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
                throw new InvalidOperationException($"The broker exited with code {_process.ExitCode} while starting.");
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
