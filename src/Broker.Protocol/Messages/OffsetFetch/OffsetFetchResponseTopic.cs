namespace Broker.Protocol.Messages.OffsetFetch;

/// <summary>One topic of an OffsetFetch response: name string | partitions [OffsetFetchResponsePartition].</summary>
public sealed class OffsetFetchResponseTopic
{
    /// <summary>name (2) and the partition count (4).</summary>
    internal const int EncodedBytesMin = 2 + 4;

    public required string Name { get; init; }

    public IReadOnlyList<OffsetFetchResponsePartition> Partitions { get; init; } = [];

    internal static OffsetFetchResponseTopic Read(ref ProtocolReader reader, short version)
    {
        var name = reader.ReadString();
        var partitions = new OffsetFetchResponsePartition[reader.ReadArrayCount(OffsetFetchResponsePartition.EncodedBytesMin)];
        for (var i = 0; i < partitions.Length; i++)
        {
            partitions[i] = OffsetFetchResponsePartition.Read(ref reader, version);
        }

        return new OffsetFetchResponseTopic { Name = name, Partitions = partitions };
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
