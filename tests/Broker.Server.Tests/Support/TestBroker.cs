using Broker.Server.Hosting;

namespace Broker.Server.Tests.Support;

/// <summary>A broker in this process on 127.0.0.1 with free ports and its own temporary data directory.</summary>
public sealed class TestBroker : IAsyncDisposable
{
    private TestBroker(BrokerHost host, string dataDir)
    {
        Host = host;
        DataDir = dataDir;
    }

    public BrokerHost Host { get; private set; }

    public string DataDir { get; }

    public string Bootstrap => $"127.0.0.1:{Host.ClientEndPoint.Port}";

    public static async Task<TestBroker> StartAsync(params string[] extraArgs)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "broker-test-" + Guid.NewGuid().ToString("N"));
        return new TestBroker(await BrokerHost.StartAsync(Args(dataDir, extraArgs)), dataDir);
    }

    /// <summary>Stops the broker cleanly and starts it again on the same data directory (new ports).</summary>
    public async Task RestartAsync(params string[] extraArgs)
    {
        await Host.DisposeAsync();
        Host = await BrokerHost.StartAsync(Args(DataDir, extraArgs));
    }

    public RawClient Connect() => RawClient.Connect(Host.ClientEndPoint);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        if (Directory.Exists(DataDir))
        {
            Directory.Delete(DataDir, recursive: true);
        }
    }

    private static string[] Args(string dataDir, string[] extra) =>
    [
        "--data-dir", dataDir, "--listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0",
        "--Logging:LogLevel:Default=Warning", "--MaintenanceIntervalMs=200", .. extra,
    ];
}
