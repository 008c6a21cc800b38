namespace Broker.Raft.Storage;

/// <summary>
/// Durable term, vote and commit index, kept apart from the log because they change on a different
/// rhythm (a vote is a few bytes that must be durable before the reply leaves).
/// After a crash: <see cref="Load"/> returns exactly the last state whose <see cref="Save"/> returned,
/// or a later one whose Save was under way; never a mix of two.
/// </summary>
public interface IRaftHardState
{
    /// <summary>The last saved state; <see cref="HardState.Empty"/> for a node that never saved one.</summary>
    HardState Load();

    /// <summary>Replaces the state atomically and durably before returning.</summary>
    void Save(HardState state);
}
