namespace Broker.Storage;

/// <summary>What <see cref="LogLoader"/> found on disk: the segments (last one active) and the offsets derived.</summary>
internal sealed record LoadedLog(LogSegments Segments, long LogEndOffset, long LogStartOffset, long FlushedOffset, long RecoveredBytesTruncated, int SegmentsRecovered);
