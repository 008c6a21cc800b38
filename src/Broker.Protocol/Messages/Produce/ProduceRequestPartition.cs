namespace Broker.Protocol.Messages.Produce;

/// <summary>
/// One partition of a Produce request: index int32 | records bytes. <see cref="Records"/> is raw RecordBatch v2
/// bytes, one or more batches, never decoded by the protocol; on the server it is a slice of the request frame.
/// </summary>
public readonly record struct ProduceRequestPartition
{
    /// <summary>index (4) and the records length (4).</summary>
    internal const int EncodedBytesMin = 8;

    public int PartitionIndex { get; init; }

    public ReadOnlyMemory<byte> Records { get; init; }

    internal static ProduceRequestPartition Read(ref ProtocolReader reader, short version) =>
        new() { PartitionIndex = reader.ReadInt32(), Records = reader.ReadBytes() };

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteInt32(PartitionIndex);
        writer.WriteBytes(Records.Span);
    }
}
