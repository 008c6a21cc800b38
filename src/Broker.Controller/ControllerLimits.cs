namespace Broker.Controller;

/// <summary>Limits on what one admin request may ask of the controller.</summary>
public static class ControllerLimits
{
    /// <summary>Each partition is a directory with three open files; a request for millions would exhaust file
    /// handles and the disk's inode table before failing. Kafka suggests a few thousand per broker.</summary>
    public const int PartitionsPerTopicMax = 10_000;

    /// <summary>Names starting with this are reserved for the broker's internal topics.</summary>
    public const string InternalTopicPrefix = "__";

    /// <summary>True for the broker's own topics (<c>__consumer_offsets</c>, <c>__cluster_metadata</c>).</summary>
    public static bool IsInternal(string topic) => topic.StartsWith(InternalTopicPrefix, StringComparison.Ordinal);

    /// <summary>Producer ids the controller gives a broker at once (Kafka's block size): one metadata record per
    /// thousand producers started on a broker, and at most a thousand ids lost when the broker restarts.</summary>
    public const int ProducerIdBlockSize = 1000;
}
