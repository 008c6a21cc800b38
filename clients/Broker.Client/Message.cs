using Broker.Core.Records;

namespace Broker.Client;

/// <summary>
/// A record to produce. Key and value may be null (a null value is a tombstone in a compacted topic); a null key
/// spreads records over partitions with the sticky partitioner, a non-null key picks the partition by murmur2 as
/// Kafka's Java client does. The producer copies the bytes before Produce returns, so a message object may be
/// reused for the next call.
/// </summary>
public sealed class Message
{
    public Message()
    {
    }

    public Message(byte[]? key, byte[]? value)
    {
        Key = key;
        Value = value;
    }

    public byte[]? Key { get; set; }

    public byte[]? Value { get; set; }

    /// <summary>Headers in order; keys are UTF-8 strings, values bytes or null.</summary>
    public RecordHeader[]? Headers { get; set; }

    /// <summary>Create time in milliseconds since the Unix epoch; null takes the producer's clock at Produce.</summary>
    public long? TimestampMs { get; set; }

    /// <summary>An explicit partition, overriding the partitioner; null lets the partitioner choose.</summary>
    public int? Partition { get; set; }
}
