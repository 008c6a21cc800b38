namespace Broker.Protocol.Messages.Fetch;

/// <summary>One topic of a Fetch response: name string | partitions [FetchResponsePartition].</summary>
public sealed class FetchResponseTopic
{
    /// <summary>name (2) and the partition count (4).</summary>
    internal const int EncodedBytesMin = 6;

    public required string Name { get; init; }

    public IReadOnlyList<FetchResponsePartition> Partitions { get; init; } = [];

    internal static FetchResponseTopic Read(ref ProtocolReader reader, short version)
    {
        var name = reader.ReadString();
        var partitions = new FetchResponsePartition[reader.ReadArrayCount(FetchResponsePartition.EncodedBytesMin)];
        for (var i = 0; i < partitions.Length; i++)
        {
            partitions[i] = FetchResponsePartition.Read(ref reader, version);
        }

        return new FetchResponseTopic { Name = name, Partitions = partitions };
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
