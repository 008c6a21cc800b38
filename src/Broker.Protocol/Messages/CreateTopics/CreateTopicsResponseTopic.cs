using Broker.Core.Errors;

namespace Broker.Protocol.Messages.CreateTopics;

/// <summary>
/// The outcome for one topic: name string | error_code int16 | error_message string (nullable) |
/// num_partitions int32 | replication_factor int16 (what was, or would be, created: defaults resolved).
/// </summary>
public readonly record struct CreateTopicsResponseTopic
{
    internal const int EncodedBytesMin = 2 + 2 + 2 + 4 + 2;

    public required string Name { get; init; }

    public ErrorCode ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>The partition count created; -1 on error.</summary>
    public int NumPartitions { get; init; }

    /// <summary>The replication factor created; -1 on error.</summary>
    public short ReplicationFactor { get; init; }

    internal static CreateTopicsResponseTopic Read(ref ProtocolReader reader, short version) => new()
    {
        Name = reader.ReadString(),
        ErrorCode = (ErrorCode)reader.ReadInt16(),
        ErrorMessage = reader.ReadNullableString(),
        NumPartitions = reader.ReadInt32(),
        ReplicationFactor = reader.ReadInt16(),
    };

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteString(Name);
        writer.WriteInt16((short)ErrorCode);
        writer.WriteString(ErrorMessage);
        writer.WriteInt32(NumPartitions);
        writer.WriteInt16(ReplicationFactor);
    }
}
