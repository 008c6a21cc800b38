using Broker.Core.Errors;
using Broker.Storage;

namespace Broker.Server.Replication;

/// <summary>The result of reading one partition for a fetch: offsets to report and the batches found (by reference
/// to their segment file, not copied).</summary>
public readonly record struct ReadOutcome(ErrorCode Error, string? Message, long HighWatermark, long LogStartOffset, LogReadResult Records)
{
    public static ReadOutcome Failed(ErrorCode error, string? message) => new(error, message, -1, -1, default);
}
