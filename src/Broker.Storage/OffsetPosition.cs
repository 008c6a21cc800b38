namespace Broker.Storage;

/// <summary>An offset index entry: a batch starting at <paramref name="Offset"/> begins at byte
/// <paramref name="Position"/> of the segment's log file.</summary>
public readonly record struct OffsetPosition(long Offset, int Position);
