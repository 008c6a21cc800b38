namespace Broker.Protocol.Messages;

/// <summary>
/// Partitions of one topic, by index: name string | partitions [int32]. The group APIs' one way to name a set of
/// partitions: owned and assigned partitions in ConsumerGroupHeartbeat and DescribeGroups, the partitions asked for
/// in OffsetFetch. Topics are named, not numbered: the native protocol has no topic ids on the wire.
/// </summary>
public readonly record struct TopicPartitions(string Name, IReadOnlyList<int> Partitions)
{
    /// <summary>name (2) and the partition count (4).</summary>
    internal const int EncodedBytesMin = 2 + 4;

    internal static TopicPartitions Read(ref ProtocolReader reader) => new(reader.ReadString(), reader.ReadInt32Array());

    internal void Write(ref ProtocolWriter writer)
    {
        writer.WriteString(Name);
        writer.WriteInt32Array(Partitions);
    }

    internal static TopicPartitions[] ReadArray(ref ProtocolReader reader)
    {
        var count = reader.ReadArrayCount(EncodedBytesMin);
        return ReadElements(ref reader, count);
    }

    /// <summary>Count -1 reads as null, which the group APIs use for "unchanged" or "all".</summary>
    internal static TopicPartitions[]? ReadNullableArray(ref ProtocolReader reader)
    {
        var count = reader.ReadNullableArrayCount(EncodedBytesMin);
        return count < 0 ? null : ReadElements(ref reader, count);
    }

    /// <summary>A null list writes a null array.</summary>
    internal static void WriteArray(ref ProtocolWriter writer, IReadOnlyList<TopicPartitions>? topics)
    {
        if (topics is null)
        {
            writer.WriteArrayCount(-1);
            return;
        }

        writer.WriteArrayCount(topics.Count);
        for (var i = 0; i < topics.Count; i++)
        {
            topics[i].Write(ref writer);
        }
    }

    private static TopicPartitions[] ReadElements(ref ProtocolReader reader, int count)
    {
        var topics = count == 0 ? [] : new TopicPartitions[count];
        for (var i = 0; i < topics.Length; i++)
        {
            topics[i] = Read(ref reader);
        }

        return topics;
    }
}
