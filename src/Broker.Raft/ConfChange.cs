namespace Broker.Raft;

/// <summary>A membership change requested of the leader, which turns it into a full <see cref="ConfState"/> entry.</summary>
public readonly record struct ConfChange(ConfChangeType Type, int NodeId)
{
    /// <summary>The membership after applying this change to <paramref name="current"/>.</summary>
    public ConfState ApplyTo(ConfState current)
    {
        var node = NodeId;
        var voters = current.Voters.Where(id => id != node);
        var observers = current.Observers.Where(id => id != node);
        return Type switch
        {
            ConfChangeType.AddVoter => new ConfState(voters.Append(NodeId), observers),
            ConfChangeType.AddObserver => new ConfState(voters, observers.Append(NodeId)),
            ConfChangeType.RemoveNode => new ConfState(voters, observers),
            _ => throw new ArgumentOutOfRangeException(nameof(current), Type, "Unknown change type."),
        };
    }
}
