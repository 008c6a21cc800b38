using System.Buffers;
using System.Buffers.Binary;
using Broker.Core.Errors;
using Broker.Protocol;

namespace Broker.Controller.Metadata;

/// <summary>
/// The on-disk form of a metadata record, the value of one record in the metadata log:
/// <c>int8 type | int8 version (0) | fields</c>, with the native protocol's primitive encodings (big-endian
/// integers, int16-length strings, int32-count arrays) and topic ids as 16 big-endian bytes.
/// A record that does not decode is a damaged log: <see cref="Read"/> throws CORRUPT_MESSAGE.
/// </summary>
public static class MetadataRecordCodec
{
    private const sbyte Version = 0;

    public static void Write(MetadataRecord record, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(record);
        var writer = new ProtocolWriter(output);
        writer.WriteInt8((sbyte)record.Type);
        writer.WriteInt8(Version);
        switch (record)
        {
            case RegisterBrokerRecord r:
                writer.WriteInt32(r.NodeId);
                writer.WriteString(r.Host);
                writer.WriteInt32(r.Port);
                writer.WriteString(r.Rack);
                writer.WriteInt64(r.Epoch);
                break;
            case FenceBrokerRecord r:
                writer.WriteInt32(r.NodeId);
                writer.WriteInt64(r.Epoch);
                break;
            case UnfenceBrokerRecord r:
                writer.WriteInt32(r.NodeId);
                writer.WriteInt64(r.Epoch);
                break;
            case TopicRecord r:
                writer.WriteString(r.Name);
                WriteGuid(ref writer, r.TopicId);
                break;
            case PartitionRecord r:
                WriteGuid(ref writer, r.TopicId);
                writer.WriteInt32(r.PartitionIndex);
                writer.WriteInt32Array(r.Replicas);
                writer.WriteInt32Array(r.Isr);
                writer.WriteInt32(r.Leader);
                writer.WriteInt32(r.LeaderEpoch);
                break;
            case PartitionChangeRecord r:
                WriteGuid(ref writer, r.TopicId);
                writer.WriteInt32(r.PartitionIndex);
                writer.WriteBoolean(r.Leader.HasValue);
                writer.WriteInt32(r.Leader ?? 0);
                writer.WriteBoolean(r.Isr is not null);
                writer.WriteInt32Array(r.Isr ?? []);
                break;
            case RemoveTopicRecord r:
                WriteGuid(ref writer, r.TopicId);
                break;
            case ConfigRecord r:
                writer.WriteInt8((sbyte)r.ResourceType);
                writer.WriteString(r.ResourceName);
                writer.WriteString(r.Key);
                writer.WriteString(r.Value);
                break;
            case ProducerIdsRecord r:
                writer.WriteInt32(r.BrokerId);
                writer.WriteInt64(r.BrokerEpoch);
                writer.WriteInt64(r.NextProducerId);
                break;
            default:
                throw new InvalidOperationException($"No encoding for {record.GetType().Name}.");
        }

        writer.Flush();
    }

    public static MetadataRecord Read(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var reader = new ProtocolReader(bytes);
            var type = (MetadataRecordType)reader.ReadInt8();
            var version = reader.ReadInt8();
            if (version != Version)
            {
                throw Corrupt($"version {version} of {type} is unknown");
            }

            MetadataRecord record = type switch
            {
                MetadataRecordType.RegisterBroker => new RegisterBrokerRecord(reader.ReadInt32(), reader.ReadString(), reader.ReadInt32(), reader.ReadNullableString(), reader.ReadInt64()),
                MetadataRecordType.FenceBroker => new FenceBrokerRecord(reader.ReadInt32(), reader.ReadInt64()),
                MetadataRecordType.UnfenceBroker => new UnfenceBrokerRecord(reader.ReadInt32(), reader.ReadInt64()),
                MetadataRecordType.Topic => new TopicRecord(reader.ReadString(), ReadGuid(ref reader)),
                MetadataRecordType.Partition => new PartitionRecord(ReadGuid(ref reader), reader.ReadInt32(), reader.ReadInt32Array(), reader.ReadInt32Array(), reader.ReadInt32(), reader.ReadInt32()),
                MetadataRecordType.PartitionChange => ReadPartitionChange(ref reader),
                MetadataRecordType.RemoveTopic => new RemoveTopicRecord(ReadGuid(ref reader)),
                MetadataRecordType.Config => new ConfigRecord((ConfigResourceType)reader.ReadInt8(), reader.ReadString(), reader.ReadString(), reader.ReadNullableString()),
                MetadataRecordType.ProducerIds => new ProducerIdsRecord(reader.ReadInt32(), reader.ReadInt64(), reader.ReadInt64()),
                _ => throw Corrupt($"record type {(int)type} is unknown"),
            };
            reader.EnsureAtEnd();
            return record;
        }
        catch (ProtocolException e)
        {
            throw new BrokerException(ErrorCode.CorruptMessage, $"Corrupt metadata record: {e.Message}", e);
        }
    }

    private static PartitionChangeRecord ReadPartitionChange(ref ProtocolReader reader)
    {
        var topicId = ReadGuid(ref reader);
        var partition = reader.ReadInt32();
        var hasLeader = reader.ReadBoolean();
        var leader = reader.ReadInt32();
        var hasIsr = reader.ReadBoolean();
        var isr = reader.ReadInt32Array();
        return new PartitionChangeRecord(topicId, partition, hasLeader ? leader : null, hasIsr ? isr : null);
    }

    private static void WriteGuid(ref ProtocolWriter writer, Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        writer.WriteInt64(BinaryPrimitives.ReadInt64BigEndian(bytes));
        writer.WriteInt64(BinaryPrimitives.ReadInt64BigEndian(bytes[8..]));
    }

    private static Guid ReadGuid(ref ProtocolReader reader)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, reader.ReadInt64());
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], reader.ReadInt64());
        return new Guid(bytes, bigEndian: true);
    }

    private static BrokerException Corrupt(string what) => new(ErrorCode.CorruptMessage, $"Corrupt metadata record: {what}.");
}
