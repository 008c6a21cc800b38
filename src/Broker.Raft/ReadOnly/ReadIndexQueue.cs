using Broker.Raft.Tracking;

namespace Broker.Raft.ReadOnly;

/// <summary>
/// ReadIndex (Raft dissertation, section 6.4): the leader numbers each read, carries the latest number in
/// its heartbeats, and releases a read once a majority of voters has answered a heartbeat carrying that
/// number or a later one. Each such answer was sent after the read arrived, in the leader's term, so a
/// quorum still followed this leader at a moment after the read began: no newer leader can have committed
/// anything the read's index misses. Reads are released in arrival order.
/// </summary>
internal sealed class ReadIndexQueue
{
    private readonly Queue<ReadIndexRequest> _pending = new();
    private readonly Dictionary<int, long> _acknowledged = [];

    /// <summary>Number of the latest read; never reused within the node's lifetime, so stale acknowledgements
    /// from an earlier leadership cannot release a newer read.</summary>
    public long LastSequence { get; private set; }

    public int PendingCount => _pending.Count;

    public long Add(long index, int from, long context)
    {
        LastSequence++;
        _pending.Enqueue(new ReadIndexRequest(LastSequence, index, from, context));
        return LastSequence;
    }

    public void Acknowledge(int node, long sequence)
    {
        if (!_acknowledged.TryGetValue(node, out var known) || known < sequence)
        {
            _acknowledged[node] = sequence;
        }
    }

    /// <summary>Removes and returns the reads a quorum of <paramref name="voters"/> has confirmed.</summary>
    public List<ReadIndexRequest> Release(IReadOnlyList<int> voters, int self)
    {
        var confirmed = MajorityQuorum.QuorumValue(
            voters, id => id == self ? LastSequence : _acknowledged.GetValueOrDefault(id));
        var released = new List<ReadIndexRequest>();
        while (_pending.Count > 0 && _pending.Peek().Sequence <= confirmed)
        {
            released.Add(_pending.Dequeue());
        }

        return released;
    }

    /// <summary>Drops every pending read (the node lost leadership; clients retry) and all acknowledgements.</summary>
    public void Reset()
    {
        _pending.Clear();
        _acknowledged.Clear();
    }
}
