using System.Buffers;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Protocol;

namespace Broker.Server.Groups;

/// <summary>
/// The bytes of a <see cref="GroupRecord"/> in <c>__consumer_offsets</c>, with the native protocol's primitives
/// (big-endian integers, int16-length strings, int32-count arrays).
/// <para>Key: <c>int8 version (0) | int8 type | string group</c>, then <c>string member</c> for member keys, or
/// <c>string topic | int32 partition</c> for offset keys. Value: <c>int8 version (0) | fields</c>; the key's type
/// says which fields. A tombstone has no value bytes at all.</para>
/// <para>Partition sets are <c>int32 topics | (string topic | int32[] partitions)*</c>, topics in ordinal order.</para>
/// A key or value that does not decode is a damaged log: reads throw CORRUPT_MESSAGE.
/// </summary>
public static class GroupRecordCodec
{
    private const sbyte Version = 0;

    public static byte[] EncodeKey(GroupRecordKey key)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        WriteKey(key, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The value's bytes; null for a tombstone.</summary>
    public static byte[]? EncodeValue(GroupRecordValue? value)
    {
        if (value is null)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(64);
        WriteValue(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static void WriteKey(GroupRecordKey key, IBufferWriter<byte> output)
    {
        var writer = new ProtocolWriter(output);
        writer.WriteInt8(Version);
        writer.WriteInt8((sbyte)key.Type);
        writer.WriteString(key.GroupId);
        if (key.IsMemberKey)
        {
            writer.WriteString(key.MemberId ?? throw new InvalidOperationException($"A {key.Type} key needs a member id."));
        }
        else if (key.Type == GroupRecordType.OffsetCommit)
        {
            writer.WriteString(key.Topic ?? throw new InvalidOperationException("An offset key needs a topic."));
            writer.WriteInt32(key.Partition);
        }

        writer.Flush();
    }

    public static void WriteValue(GroupRecordValue value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(value);
        var writer = new ProtocolWriter(output);
        writer.WriteInt8(Version);
        switch (value)
        {
            case GroupMetadataValue v:
                writer.WriteInt32(v.Epoch);
                writer.WriteArrayCount(v.PartitionCounts.Count);
                foreach (var count in v.PartitionCounts)
                {
                    writer.WriteString(count.Topic);
                    writer.WriteInt32(count.PartitionCount);
                }

                break;
            case GroupMemberMetadataValue v:
                writer.WriteString(v.InstanceId);
                writer.WriteString(v.RackId);
                writer.WriteString(v.ClientId);
                writer.WriteString(v.ClientHost);
                writer.WriteStringArray(v.SubscribedTopics);
                writer.WriteInt32(v.RebalanceTimeoutMs);
                writer.WriteInt32(v.SessionTimeoutMs);
                writer.WriteString(v.ServerAssignor);
                break;
            case GroupTargetAssignmentMetadataValue v:
                writer.WriteInt32(v.AssignmentEpoch);
                break;
            case GroupTargetAssignmentMemberValue v:
                WritePartitions(ref writer, v.Partitions);
                break;
            case GroupCurrentMemberAssignmentValue v:
                writer.WriteInt32(v.MemberEpoch);
                writer.WriteInt32(v.PreviousMemberEpoch);
                writer.WriteInt8((sbyte)v.State);
                WritePartitions(ref writer, v.Assigned);
                WritePartitions(ref writer, v.PendingRevocation);
                break;
            case OffsetCommitValue v:
                writer.WriteInt64(v.Offset);
                writer.WriteInt32(v.LeaderEpoch);
                writer.WriteString(v.Metadata);
                writer.WriteInt64(v.CommitTimestampMs);
                break;
            default:
                throw new InvalidOperationException($"No encoding for {value.GetType().Name}.");
        }

        writer.Flush();
    }

    public static GroupRecordKey ReadKey(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var reader = new ProtocolReader(bytes);
            CheckVersion(ref reader, "key");
            var type = (GroupRecordType)reader.ReadInt8();
            var group = reader.ReadString();
            var key = type switch
            {
                GroupRecordType.GroupMetadata => GroupRecordKey.GroupMetadata(group),
                GroupRecordType.GroupTargetAssignmentMetadata => GroupRecordKey.TargetAssignmentMetadata(group),
                GroupRecordType.GroupMemberMetadata => GroupRecordKey.MemberMetadata(group, reader.ReadString()),
                GroupRecordType.GroupTargetAssignmentMember => GroupRecordKey.TargetAssignmentMember(group, reader.ReadString()),
                GroupRecordType.GroupCurrentMemberAssignment => GroupRecordKey.CurrentMemberAssignment(group, reader.ReadString()),
                GroupRecordType.OffsetCommit => GroupRecordKey.OffsetCommit(group, new TopicPartition(reader.ReadString(), reader.ReadInt32())),
                _ => throw Corrupt($"key type {(int)type} is unknown"),
            };
            reader.EnsureAtEnd();
            return key;
        }
        catch (ProtocolException e)
        {
            throw new BrokerException(ErrorCode.CorruptMessage, $"Corrupt group record key: {e.Message}", e);
        }
    }

    /// <summary>The value under a key of type <paramref name="type"/>. A tombstone has no value to read.</summary>
    public static GroupRecordValue ReadValue(GroupRecordType type, ReadOnlyMemory<byte> value)
    {
        try
        {
            var reader = new ProtocolReader(value);
            CheckVersion(ref reader, "value");
            GroupRecordValue read = type switch
            {
                GroupRecordType.GroupMetadata => new GroupMetadataValue(reader.ReadInt32(), ReadPartitionCounts(ref reader)),
                GroupRecordType.GroupMemberMetadata => ReadMemberMetadata(ref reader),
                GroupRecordType.GroupTargetAssignmentMetadata => new GroupTargetAssignmentMetadataValue(reader.ReadInt32()),
                GroupRecordType.GroupTargetAssignmentMember => new GroupTargetAssignmentMemberValue(ReadPartitions(ref reader)),
                GroupRecordType.GroupCurrentMemberAssignment => ReadCurrentAssignment(ref reader),
                GroupRecordType.OffsetCommit => new OffsetCommitValue(reader.ReadInt64(), reader.ReadInt32(), reader.ReadNullableString(), reader.ReadInt64()),
                _ => throw Corrupt($"value type {(int)type} is unknown"),
            };
            reader.EnsureAtEnd();
            return read;
        }
        catch (ProtocolException e)
        {
            throw new BrokerException(ErrorCode.CorruptMessage, $"Corrupt group record value: {e.Message}", e);
        }
    }

    /// <summary>
    /// A record as stored in the partition. A null value (a record's <c>ValueIsNull</c>) is a tombstone; it is a
    /// flag, not an empty value, because Kafka's record format tells the two apart and so must we.
    /// </summary>
    public static GroupRecord Decode(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, bool valueIsNull)
    {
        var decodedKey = ReadKey(key);
        return new GroupRecord(decodedKey, valueIsNull ? null : ReadValue(decodedKey.Type, value));
    }

    private static GroupMemberMetadataValue ReadMemberMetadata(ref ProtocolReader reader) => new(
        reader.ReadNullableString(),
        reader.ReadNullableString(),
        reader.ReadString(),
        reader.ReadString(),
        reader.ReadStringArray(),
        reader.ReadInt32(),
        reader.ReadInt32(),
        reader.ReadNullableString());

    private static GroupCurrentMemberAssignmentValue ReadCurrentAssignment(ref ProtocolReader reader)
    {
        var epoch = reader.ReadInt32();
        var previous = reader.ReadInt32();
        var state = (MemberState)reader.ReadInt8();
        if (!Enum.IsDefined(state))
        {
            throw Corrupt($"member state {(int)state} is unknown");
        }

        return new GroupCurrentMemberAssignmentValue(epoch, previous, state, ReadPartitions(ref reader), ReadPartitions(ref reader));
    }

    private static TopicPartitionCount[] ReadPartitionCounts(ref ProtocolReader reader)
    {
        // Smallest element: an empty topic name (2 bytes) and a count (4 bytes).
        var counts = new TopicPartitionCount[reader.ReadArrayCount(sizeof(short) + sizeof(int))];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = new TopicPartitionCount(reader.ReadString(), reader.ReadInt32());
        }

        return counts;
    }

    private static void WritePartitions(ref ProtocolWriter writer, TopicPartitionSet partitions)
    {
        var topics = partitions.ByTopic().ToList();
        writer.WriteArrayCount(topics.Count);
        foreach (var (topic, indexes) in topics)
        {
            writer.WriteString(topic);
            writer.WriteInt32Array(indexes);
        }
    }

    private static TopicPartitionSet ReadPartitions(ref ProtocolReader reader)
    {
        // Smallest element: an empty topic name (2 bytes) and an empty array (4 bytes).
        var topics = reader.ReadArrayCount(sizeof(short) + sizeof(int));
        var partitions = new List<TopicPartition>();
        for (var i = 0; i < topics; i++)
        {
            var topic = reader.ReadString();
            partitions.AddRange(reader.ReadInt32Array().Select(p => new TopicPartition(topic, p)));
        }

        return TopicPartitionSet.Of(partitions);
    }

    private static void CheckVersion(ref ProtocolReader reader, string what)
    {
        var version = reader.ReadInt8();
        if (version != Version)
        {
            throw Corrupt($"{what} version {version} is unknown");
        }
    }

    private static BrokerException Corrupt(string what) => new(ErrorCode.CorruptMessage, $"Corrupt group record: {what}.");
}
