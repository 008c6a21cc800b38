namespace Broker.Raft;

/// <summary>
/// A state-machine image produced by the application, covering every entry up to and including
/// <see cref="Index"/>. <see cref="ConfState"/> is the membership in force at that index, so a node
/// restored from it knows its peers before it sees any later config entry.
/// </summary>
public sealed record Snapshot(long Index, long Term, ConfState ConfState, ReadOnlyMemory<byte> Data)
{
    /// <summary>The snapshot of a log that was never compacted: it covers nothing.</summary>
    public static Snapshot Empty { get; } = new(0, 0, ConfState.Empty, ReadOnlyMemory<byte>.Empty);

    public bool IsEmpty => Index == 0;
}
