namespace Broker.Storage;

/// <summary>What <see cref="BatchFilter.Filter"/> did to one batch: records kept and removed (tombstones among the
/// removed counted apart), and the bytes it wrote (0 when the whole batch was dropped).</summary>
internal readonly record struct BatchFilterResult(int Kept, int Removed, int TombstonesRemoved, int BytesWritten, bool Rewritten);
