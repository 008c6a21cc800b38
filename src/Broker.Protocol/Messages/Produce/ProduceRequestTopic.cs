namespace Broker.Protocol.Messages.Produce;

/// <summary>One topic of a Produce request: name string | partitions [ProduceRequestPartition].</summary>
public sealed class ProduceRequestTopic
{
    /// <summary>name (2) and the partition count (4).</summary>
    internal const int EncodedBytesMin = 6;

    public required string Name { get; init; }

    public IReadOnlyList<ProduceRequestPartition> Partitions { get; init; } = [];

    internal static ProduceRequestTopic Read(ref ProtocolReader reader, short version)
    {
        var name = reader.ReadString();
        var partitions = new ProduceRequestPartition[reader.ReadArrayCount(ProduceRequestPartition.EncodedBytesMin)];
        for (var i = 0; i < partitions.Length; i++)
        {
            partitions[i] = ProduceRequestPartition.Read(ref reader, version);
        }

        return new ProduceRequestTopic { Name = name, Partitions = partitions };
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
