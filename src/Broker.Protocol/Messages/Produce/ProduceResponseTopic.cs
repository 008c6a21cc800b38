namespace Broker.Protocol.Messages.Produce;

/// <summary>One topic of a Produce response: name string | partitions [ProduceResponsePartition].</summary>
public sealed class ProduceResponseTopic
{
    /// <summary>name (2) and the partition count (4).</summary>
    internal const int EncodedBytesMin = 6;

    public required string Name { get; init; }

    public IReadOnlyList<ProduceResponsePartition> Partitions { get; init; } = [];

    internal static ProduceResponseTopic Read(ref ProtocolReader reader, short version)
    {
        var name = reader.ReadString();
        var partitions = new ProduceResponsePartition[reader.ReadArrayCount(ProduceResponsePartition.EncodedBytesMin)];
        for (var i = 0; i < partitions.Length; i++)
        {
            partitions[i] = ProduceResponsePartition.Read(ref reader, version);
        }

        return new ProduceResponseTopic { Name = name, Partitions = partitions };
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
