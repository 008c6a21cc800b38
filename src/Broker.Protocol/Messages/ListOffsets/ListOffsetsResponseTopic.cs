namespace Broker.Protocol.Messages.ListOffsets;

/// <summary>One topic of a ListOffsets response: name string | partitions [ListOffsetsResponsePartition].</summary>
public sealed class ListOffsetsResponseTopic
{
    /// <summary>name (2) and the partition count (4).</summary>
    internal const int EncodedBytesMin = 6;

    public required string Name { get; init; }

    public IReadOnlyList<ListOffsetsResponsePartition> Partitions { get; init; } = [];

    internal static ListOffsetsResponseTopic Read(ref ProtocolReader reader, short version)
    {
        var name = reader.ReadString();
        var partitions = new ListOffsetsResponsePartition[reader.ReadArrayCount(ListOffsetsResponsePartition.EncodedBytesMin)];
        for (var i = 0; i < partitions.Length; i++)
        {
            partitions[i] = ListOffsetsResponsePartition.Read(ref reader, version);
        }

        return new ListOffsetsResponseTopic { Name = name, Partitions = partitions };
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
