namespace Broker.Protocol.Messages.ListOffsets;

/// <summary>One topic of a ListOffsets request: name string | partitions [ListOffsetsRequestPartition].</summary>
public sealed class ListOffsetsRequestTopic
{
    /// <summary>name (2) and the partition count (4).</summary>
    internal const int EncodedBytesMin = 6;

    public required string Name { get; init; }

    public IReadOnlyList<ListOffsetsRequestPartition> Partitions { get; init; } = [];

    internal static ListOffsetsRequestTopic Read(ref ProtocolReader reader, short version)
    {
        var name = reader.ReadString();
        var partitions = new ListOffsetsRequestPartition[reader.ReadArrayCount(ListOffsetsRequestPartition.EncodedBytesMin)];
        for (var i = 0; i < partitions.Length; i++)
        {
            partitions[i] = ListOffsetsRequestPartition.Read(ref reader, version);
        }

        return new ListOffsetsRequestTopic { Name = name, Partitions = partitions };
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
