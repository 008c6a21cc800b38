namespace Broker.Protocol.Messages.OffsetCommit;

/// <summary>One topic of an OffsetCommit response: name string | partitions [OffsetCommitResponsePartition].</summary>
public sealed class OffsetCommitResponseTopic
{
    /// <summary>name (2) and the partition count (4).</summary>
    internal const int EncodedBytesMin = 2 + 4;

    public required string Name { get; init; }

    public IReadOnlyList<OffsetCommitResponsePartition> Partitions { get; init; } = [];

    internal static OffsetCommitResponseTopic Read(ref ProtocolReader reader, short version)
    {
        var name = reader.ReadString();
        var partitions = new OffsetCommitResponsePartition[reader.ReadArrayCount(OffsetCommitResponsePartition.EncodedBytesMin)];
        for (var i = 0; i < partitions.Length; i++)
        {
            partitions[i] = OffsetCommitResponsePartition.Read(ref reader, version);
        }

        return new OffsetCommitResponseTopic { Name = name, Partitions = partitions };
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
