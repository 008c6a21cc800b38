using Broker.Server.Hosting;

namespace Broker.Cli.Tests.Support;

/// <summary>
/// One in-process broker on 127.0.0.1 (free port) with a temporary data directory, shared by a test class. Tests
/// use topic names of their own, so they do not see each other's records.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "brokerctl-test-" + Guid.NewGuid().ToString("N"));
    private BrokerHost? _host;

    public string Bootstrap => $"127.0.0.1:{_host!.ClientEndPoint.Port}";

    public async Task InitializeAsync() => _host = await BrokerHost.StartAsync(
    [
        "--data-dir", _dataDir, "--listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0",
        "--Logging:LogLevel:Default=Warning", "--MaintenanceIntervalMs=200",
        // Groups: a member learns of its partitions at its next heartbeat, so 100 ms keeps group tests quick; three
        // offsets partitions are created faster than fifty. Sessions stay long: every test member leaves cleanly.
        "--Groups:HeartbeatIntervalMs=100", "--Groups:OffsetsTopicPartitions=3",
        // Broker-level topic defaults (Kafka's own values), so `topic config` has STATIC_BROKER_CONFIG rows to show.
        "--TopicDefaults:retention.ms=604800000", "--TopicDefaults:segment.bytes=1073741824",
    ]);

    /// <summary>Runs brokerctl against this broker: <c>--bootstrap</c> is added in front of <paramref name="args"/>.</summary>
    public Task<CliRun> RunAsync(params string[] args) => RunWithInputAsync(string.Empty, args);

    /// <summary>As <see cref="RunAsync"/>, with <paramref name="stdin"/> as the standard input.</summary>
    public Task<CliRun> RunWithInputAsync(string stdin, params string[] args) => CliRun.RunAsync(["--bootstrap", Bootstrap, .. args], stdin);

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }
}
