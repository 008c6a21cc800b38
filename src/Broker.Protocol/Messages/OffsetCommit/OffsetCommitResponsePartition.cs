using Broker.Core.Errors;

namespace Broker.Protocol.Messages.OffsetCommit;

/// <summary>The outcome for one partition: partition_index int32 | error_code int16.</summary>
public readonly record struct OffsetCommitResponsePartition(int PartitionIndex, ErrorCode ErrorCode)
{
    internal const int EncodedBytesMin = 4 + 2;

    internal static OffsetCommitResponsePartition Read(ref ProtocolReader reader, short version) => new(reader.ReadInt32(), (ErrorCode)reader.ReadInt16());

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteInt32(PartitionIndex);
        writer.WriteInt16((short)ErrorCode);
    }
}
