namespace Broker.Client;

/// <summary>
/// Settings every client (producer, consumer, admin) shares: where the cluster is, how it names itself, and how
/// long it waits. Defaults are Kafka's Java client's where it has the same setting, so operators' intuitions carry.
/// </summary>
public abstract class ClientOptions
{
    /// <summary>"host:port,host:port": brokers to ask for metadata first. Any one reachable broker is enough.</summary>
    public string BootstrapServers { get; set; } = "localhost:9192";

    /// <summary>Names the application in the broker's logs and quotas (Kafka's client.id).</summary>
    public string? ClientId { get; set; } = "broker-dotnet";

    /// <summary>How long a request may wait for its response before the connection is declared broken (30 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long opening a connection (TCP and the ApiVersions handshake) may take (10 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First wait before a retry and the least time between metadata refreshes (100 ms, Kafka's retry.backoff.ms).</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Cap on the exponentially growing retry wait (1 s, Kafka's retry.backoff.max.ms).</summary>
    public TimeSpan RetryBackoffMax { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Metadata older than this is refreshed even without an error (5 min, Kafka's metadata.max.age.ms).</summary>
    public TimeSpan MetadataMaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Requests sent on one connection before a response is read (5, Kafka's max.in.flight.requests.per.connection).</summary>
    public int MaxInFlightRequestsPerConnection { get; set; } = 5;

    /// <summary>Largest response frame accepted, in bytes. Must exceed the largest fetch a consumer asks for.</summary>
    public int ResponseFrameBytesMax { get; set; } = Broker.Protocol.ProtocolLimits.FrameBytesMaxDefault;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public virtual void Validate()
    {
        _ = Network.BrokerEndpoint.ParseList(BootstrapServers);
        RequirePositive(RequestTimeout, nameof(RequestTimeout));
        RequirePositive(ConnectTimeout, nameof(ConnectTimeout));
        RequireNonNegative(RetryBackoff, nameof(RetryBackoff));
        if (RetryBackoffMax < RetryBackoff)
        {
            throw new ArgumentException($"{nameof(RetryBackoffMax)} ({RetryBackoffMax}) is below {nameof(RetryBackoff)} ({RetryBackoff}).");
        }

        RequirePositive(MetadataMaxAge, nameof(MetadataMaxAge));
        if (MaxInFlightRequestsPerConnection < 1)
        {
            throw new ArgumentException($"{nameof(MaxInFlightRequestsPerConnection)} must be at least 1; it is {MaxInFlightRequestsPerConnection}.");
        }

        if (ResponseFrameBytesMax < 1024)
        {
            throw new ArgumentException($"{nameof(ResponseFrameBytesMax)} must be at least 1024 bytes; it is {ResponseFrameBytesMax}.");
        }
    }

    internal Network.ConnectionSettings ToConnectionSettings() => new(
        ClientId, RequestTimeout, ConnectTimeout, MaxInFlightRequestsPerConnection, ResponseFrameBytesMax);

    protected static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{name} must be positive; it is {value}.");
        }
    }

    protected static void RequireNonNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentException($"{name} must not be negative; it is {value}.");
        }
    }
}
