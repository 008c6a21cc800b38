namespace Broker.Client.Tests.Support;

/// <summary>Options tuned for fast tests: short backoffs and timeouts, so failures show in seconds, not minutes.</summary>
internal static class TestOptions
{
    public static ProducerOptions Producer(FakeCluster cluster) => new()
    {
        BootstrapServers = cluster.BootstrapServers,
        Linger = TimeSpan.FromMilliseconds(1),
        RetryBackoff = TimeSpan.FromMilliseconds(10),
        RetryBackoffMax = TimeSpan.FromMilliseconds(50),
        RequestTimeout = TimeSpan.FromSeconds(5),
        DeliveryTimeout = TimeSpan.FromSeconds(10),
        MaxBlock = TimeSpan.FromSeconds(5),
        CloseTimeout = TimeSpan.FromSeconds(5),
    };

    public static ConsumerOptions Consumer(FakeCluster cluster, AutoOffsetReset reset = AutoOffsetReset.Earliest) => new()
    {
        BootstrapServers = cluster.BootstrapServers,
        AutoOffsetReset = reset,
        FetchMaxWait = TimeSpan.FromMilliseconds(50),
        RetryBackoff = TimeSpan.FromMilliseconds(10),
        RetryBackoffMax = TimeSpan.FromMilliseconds(50),
        RequestTimeout = TimeSpan.FromSeconds(5),
    };

    public static AdminClientOptions Admin(FakeCluster cluster) => new() { BootstrapServers = cluster.BootstrapServers };

    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
}
