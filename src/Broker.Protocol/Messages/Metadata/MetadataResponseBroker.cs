namespace Broker.Protocol.Messages.Metadata;

/// <summary>One broker in a Metadata response: node_id int32 | host string | port int32 | rack string (nullable).</summary>
public sealed class MetadataResponseBroker
{
    internal const int EncodedBytesMin = 4 + 2 + 4 + 2;

    public int NodeId { get; init; }

    public required string Host { get; init; }

    public int Port { get; init; }

    public string? Rack { get; init; }

    internal static MetadataResponseBroker Read(ref ProtocolReader reader, short version) => new()
    {
        NodeId = reader.ReadInt32(),
        Host = reader.ReadString(),
        Port = reader.ReadInt32(),
        Rack = reader.ReadNullableString(),
    };

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteInt32(NodeId);
        writer.WriteString(Host);
        writer.WriteInt32(Port);
        writer.WriteString(Rack);
    }
}
