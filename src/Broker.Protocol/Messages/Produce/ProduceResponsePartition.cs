using Broker.Core.Errors;

namespace Broker.Protocol.Messages.Produce;

/// <summary>
/// One partition of a Produce response: index int32 | error_code int16 | base_offset int64 |
/// log_append_time_ms int64 | log_start_offset int64 | error_message string (nullable).
/// </summary>
public readonly record struct ProduceResponsePartition
{
    /// <summary>index, error, three int64 and a null message.</summary>
    internal const int EncodedBytesMin = 4 + 2 + 8 + 8 + 8 + 2;

    public int PartitionIndex { get; init; }

    public ErrorCode ErrorCode { get; init; }

    /// <summary>Offset given to the first record of the request's first batch; -1 on error.</summary>
    public long BaseOffset { get; init; }

    /// <summary>The broker's append time when the topic uses LogAppendTime; -1 when it uses CreateTime.</summary>
    public long LogAppendTimeMs { get; init; }

    /// <summary>The partition's log start offset after the append; -1 when unknown.</summary>
    public long LogStartOffset { get; init; }

    /// <summary>Detail for <see cref="ErrorCode"/>, for logs; null when there is none.</summary>
    public string? ErrorMessage { get; init; }

    internal static ProduceResponsePartition Read(ref ProtocolReader reader, short version) => new()
    {
        PartitionIndex = reader.ReadInt32(),
        ErrorCode = (ErrorCode)reader.ReadInt16(),
        BaseOffset = reader.ReadInt64(),
        LogAppendTimeMs = reader.ReadInt64(),
        LogStartOffset = reader.ReadInt64(),
        ErrorMessage = reader.ReadNullableString(),
    };

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteInt32(PartitionIndex);
        writer.WriteInt16((short)ErrorCode);
        writer.WriteInt64(BaseOffset);
        writer.WriteInt64(LogAppendTimeMs);
        writer.WriteInt64(LogStartOffset);
        writer.WriteString(ErrorMessage);
    }
}
