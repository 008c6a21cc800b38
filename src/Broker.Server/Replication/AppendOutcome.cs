using Broker.Core.Errors;

namespace Broker.Server.Replication;

/// <summary>The result of appending to one partition, as a Produce response reports it.</summary>
public readonly record struct AppendOutcome(ErrorCode Error, string? Message, long BaseOffset, long LogAppendTimeMs, long LogStartOffset)
{
    public static AppendOutcome Failed(ErrorCode error, string? message) => new(error, message, -1, -1, -1);
}
