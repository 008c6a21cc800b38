namespace Broker.Protocol.Messages.Fetch;

/// <summary>One topic of a Fetch request: name string | partitions [FetchRequestPartition].</summary>
public sealed class FetchRequestTopic
{
    /// <summary>name (2) and the partition count (4).</summary>
    internal const int EncodedBytesMin = 6;

    public required string Name { get; init; }

    public IReadOnlyList<FetchRequestPartition> Partitions { get; init; } = [];

    internal static FetchRequestTopic Read(ref ProtocolReader reader, short version)
    {
        var name = reader.ReadString();
        var partitions = new FetchRequestPartition[reader.ReadArrayCount(FetchRequestPartition.EncodedBytesMin)];
        for (var i = 0; i < partitions.Length; i++)
        {
            partitions[i] = FetchRequestPartition.Read(ref reader, version);
        }

        return new FetchRequestTopic { Name = name, Partitions = partitions };
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
