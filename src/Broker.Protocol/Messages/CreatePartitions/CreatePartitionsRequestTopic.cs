namespace Broker.Protocol.Messages.CreatePartitions;

/// <summary>One topic to grow: name string | count int32 (the new total number of partitions). The controller
/// places the new replicas.</summary>
public readonly record struct CreatePartitionsRequestTopic(string Name, int Count)
{
    internal const int EncodedBytesMin = 2 + 4;

    internal static CreatePartitionsRequestTopic Read(ref ProtocolReader reader, short version) => new(reader.ReadString(), reader.ReadInt32());

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteString(Name);
        writer.WriteInt32(Count);
    }
}
