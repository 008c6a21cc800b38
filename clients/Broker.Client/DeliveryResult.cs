using Broker.Core;

namespace Broker.Client;

/// <summary>Where a record was stored: its partition and offset, and its timestamp (create time, or the broker's
/// append time for a LogAppendTime topic). Offset is -1 with acks=0, where the broker reports nothing.</summary>
public readonly record struct DeliveryResult(string Topic, int Partition, long Offset, long TimestampMs)
{
    public TopicPartition TopicPartition => new(Topic, Partition);
}
