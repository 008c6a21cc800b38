using Broker.Protocol;

namespace Broker.Server.Hosting;

/// <summary>
/// The broker's settings: the root of the configuration (config/broker.json, then BROKER_* environment variables,
/// then command-line switches). Topic defaults use Kafka's topic config names under <see cref="TopicDefaults"/>.
/// </summary>
public sealed class BrokerOptions
{
    public int NodeId { get; set; } = 1;

    /// <summary>Where partition logs, checkpoints and the metadata log live.</summary>
    public string DataDir { get; set; } = "./data";

    /// <summary>The client listener, host:port. Port 0 picks a free port (tests).</summary>
    public string Listen { get; set; } = "127.0.0.1:9192";

    /// <summary>Health and metrics over HTTP, host:port; empty turns it off.</summary>
    public string HttpListen { get; set; } = "127.0.0.1:9180";

    /// <summary>The host clients are told to connect to; defaults to the listen host (the machine name when that is
    /// a wildcard address).</summary>
    public string? AdvertisedHost { get; set; }

    public string? Rack { get; set; }

    /// <summary>The largest request frame accepted, in bytes; larger ones close the connection. Kafka's
    /// socket.request.max.bytes. Also bounds what one connection can make the broker buffer.</summary>
    public int FrameBytesMax { get; set; } = ProtocolLimits.FrameBytesMaxDefault;

    /// <summary>The most record bytes one Fetch response carries, whatever the client asks (Kafka's fetch.max.bytes).</summary>
    public int FetchResponseBytesMax { get; set; } = 55 * 1024 * 1024;

    /// <summary>The longest a Fetch may wait for min_bytes (a client asking for more is capped).</summary>
    public int FetchWaitMsMax { get; set; } = 30_000;

    /// <summary>A connection with no request for this long is closed (Kafka's connections.max.idle.ms).</summary>
    public int ConnectionIdleTimeoutMs { get; set; } = 600_000;

    /// <summary>Requests are handled on the socket I/O thread that read them instead of being handed to the thread
    /// pool; the broker executable also has the runtime complete socket operations on its event threads
    /// (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1, unless that variable is set). Measured at 50,000 records/s of
    /// 1 KiB (about 5,000 requests/s): 2.65 instead of 3.7 CPU-seconds per 5 s, 94k instead of 258k context switches.
    /// Requests that may block still run on the thread pool (docs/server.md, Threads).</summary>
    public bool InlineIoScheduling { get; set; } = true;

    /// <summary>How long shutdown waits for in-flight requests before closing connections.</summary>
    public int ShutdownTimeoutMs { get; set; } = 30_000;

    /// <summary>Partitions and replication factor for CreateTopics requests that leave them to the broker.</summary>
    public int DefaultPartitions { get; set; } = 1;

    public short DefaultReplicationFactor { get; set; } = 1;

    /// <summary>Broker-wide defaults for topic configs, by Kafka name (e.g. "retention.ms": "604800000").</summary>
    public Dictionary<string, string> TopicDefaults { get; set; } = [];

    /// <summary>The group coordinator: the offsets topic, session timeout, heartbeat interval.</summary>
    public GroupSettings Groups { get; set; } = new();

    /// <summary>Kafka's producer.id.expiration.ms: an idempotent producer silent this long whose batches have all left a
    /// partition's log is forgotten there (its next batch must start at sequence 0 again).</summary>
    public long ProducerIdExpirationMs { get; set; } = Broker.Storage.LogConfig.ProducerIdExpirationMsDefault;

    /// <summary>Appended bytes of a segment after which the OS is asked to start writing them to disk, so dirty pages
    /// leave the cache in small steps instead of one burst per fsync; 0 leaves it to the kernel (Linux only).</summary>
    public int WritebackBytes { get; set; } = Broker.Storage.LogConfig.WritebackBytesDefault;

    /// <summary>How much of each partition's newest data is left in the page cache; older pages are dropped from it once
    /// written back, so appends reuse cache pages instead of taking fresh memory (costly on a VM that returns free
    /// memory to its host). 0 leaves the page cache to the kernel (Linux only).</summary>
    public int PageCacheWindowBytes { get; set; } = Broker.Storage.LogConfig.PageCacheWindowBytesDefault;

    /// <summary>Interval of the background retention, flush and checkpoint pass.</summary>
    public int MaintenanceIntervalMs { get; set; } = 1000;
}
