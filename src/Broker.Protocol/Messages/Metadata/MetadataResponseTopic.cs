using Broker.Core.Errors;

namespace Broker.Protocol.Messages.Metadata;

/// <summary>
/// One topic in a Metadata response: error_code int16 | name string | is_internal bool |
/// partitions [MetadataResponsePartition].
/// </summary>
public sealed class MetadataResponseTopic
{
    internal const int EncodedBytesMin = 2 + 2 + 1 + 4;

    /// <summary>UNKNOWN_TOPIC_OR_PARTITION for a named topic that does not exist, LEADER_NOT_AVAILABLE while one
    /// is being created.</summary>
    public ErrorCode ErrorCode { get; init; }

    public required string Name { get; init; }

    /// <summary>True for the broker's own topics, such as __consumer_offsets.</summary>
    public bool IsInternal { get; init; }

    public IReadOnlyList<MetadataResponsePartition> Partitions { get; init; } = [];

    internal static MetadataResponseTopic Read(ref ProtocolReader reader, short version)
    {
        var errorCode = (ErrorCode)reader.ReadInt16();
        var name = reader.ReadString();
        var isInternal = reader.ReadBoolean();
        var partitions = new MetadataResponsePartition[reader.ReadArrayCount(MetadataResponsePartition.EncodedBytesMin)];
        for (var i = 0; i < partitions.Length; i++)
        {
            partitions[i] = MetadataResponsePartition.Read(ref reader, version);
        }

        return new MetadataResponseTopic { ErrorCode = errorCode, Name = name, IsInternal = isInternal, Partitions = partitions };
    }

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteInt16((short)ErrorCode);
        writer.WriteString(Name);
        writer.WriteBoolean(IsInternal);
        writer.WriteArrayCount(Partitions.Count);
        for (var i = 0; i < Partitions.Count; i++)
        {
            Partitions[i].Write(ref writer, version);
        }
    }
}
