namespace Broker.Storage;

/// <summary>What recovery of one segment kept and cut: the valid prefix ends at <paramref name="ValidBytes"/>
/// (offset <paramref name="NextOffset"/>); <paramref name="Reason"/> names the first bad batch, null if none.</summary>
internal readonly record struct SegmentRecoveryResult(int ValidBytes, long NextOffset, long TruncatedBytes, string? Reason);
