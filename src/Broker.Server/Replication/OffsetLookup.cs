using Broker.Core.Errors;

namespace Broker.Server.Replication;

/// <summary>The answer to a ListOffsets query for one partition.</summary>
public readonly record struct OffsetLookup(ErrorCode Error, string? Message, long TimestampMs, long Offset);
