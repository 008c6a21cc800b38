namespace Broker.Raft;

/// <summary>Single-server changes only: each alters the voter set by at most one node, so every majority of
/// the old voters overlaps every majority of the new ones and no joint consensus is needed.</summary>
public enum ConfChangeType
{
    /// <summary>Adds a voter, or promotes an observer.</summary>
    AddVoter,

    /// <summary>Removes a node entirely, voter or observer.</summary>
    RemoveNode,

    /// <summary>Adds a non-voting observer, or demotes a voter.</summary>
    AddObserver,
}
