namespace Broker.Protocol.Messages.OffsetCommit;

/// <summary>One topic of an OffsetCommit request: name string | partitions [OffsetCommitRequestPartition].</summary>
public sealed class OffsetCommitRequestTopic
{
    /// <summary>name (2) and the partition count (4).</summary>
    internal const int EncodedBytesMin = 2 + 4;

    public required string Name { get; init; }

    public IReadOnlyList<OffsetCommitRequestPartition> Partitions { get; init; } = [];

    internal static OffsetCommitRequestTopic Read(ref ProtocolReader reader, short version)
    {
        var name = reader.ReadString();
        var partitions = new OffsetCommitRequestPartition[reader.ReadArrayCount(OffsetCommitRequestPartition.EncodedBytesMin)];
        for (var i = 0; i < partitions.Length; i++)
        {
            partitions[i] = OffsetCommitRequestPartition.Read(ref reader, version);
        }

        return new OffsetCommitRequestTopic { Name = name, Partitions = partitions };
    }

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteString(Name);
        writer.WriteArrayCount(Partitions.Count);
        for (var i = 0; i < Partitions.Count; i++)
        {
            Partitions[i].Write(ref writer, version);
        }
    }
}
