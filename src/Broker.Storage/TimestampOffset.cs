namespace Broker.Storage;

/// <summary>A timestamp and the offset it belongs to: a time index entry, or the answer to a lookup by time.</summary>
public readonly record struct TimestampOffset(long TimestampMs, long Offset);
