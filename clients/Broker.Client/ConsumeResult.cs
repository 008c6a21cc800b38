using Broker.Core;
using Broker.Core.Records;

namespace Broker.Client;

/// <summary>One consumed record, copied out of the fetch buffers so the application may keep it.</summary>
public sealed class ConsumeResult
{
    public required string Topic { get; init; }

    public required int Partition { get; init; }

    public required long Offset { get; init; }

    /// <summary>Milliseconds since the Unix epoch: the producer's create time, or the broker's append time for a LogAppendTime topic.</summary>
    public required long TimestampMs { get; init; }

    public required TimestampType TimestampType { get; init; }

    public byte[]? Key { get; init; }

    /// <summary>Null for a tombstone.</summary>
    public byte[]? Value { get; init; }

    public IReadOnlyList<RecordHeader> Headers { get; init; } = [];

    public TopicPartition TopicPartition => new(Topic, Partition);
}
