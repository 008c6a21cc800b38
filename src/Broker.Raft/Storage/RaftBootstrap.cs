namespace Broker.Raft.Storage;

/// <summary>
/// Founds a group: each founding member writes the same first entry, the initial membership at index 1,
/// term 1, and marks it committed. Every later member joins with empty storage and learns the membership
/// from the leader, like any other entry, so the configuration is always somewhere in the log or snapshot.
/// </summary>
public static class RaftBootstrap
{
    public static void Bootstrap(IRaftLog log, IRaftHardState hardState, ConfState initial)
    {
        if (log.LastIndex != 0 || !log.Snapshot.IsEmpty || !hardState.Load().IsEmpty)
        {
            throw new InvalidOperationException("Bootstrap needs empty storage; this node has state already.");
        }

        if (initial.Voters.Count == 0)
        {
            throw new ArgumentException("A group needs at least one voter.", nameof(initial));
        }

        log.Append([new Entry(1, 1, EntryType.Config, initial.Encode())]);
        log.Sync();
        hardState.Save(new HardState(1, NodeId.None, 1));
    }
}
