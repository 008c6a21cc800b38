using Broker.Raft;
using Broker.Raft.Storage;

namespace Broker.Benchmarks.Raft;

/// <summary>
/// A 3-voter group over an in-memory transport, driven the way a real driver would: each tick every node
/// ticks, carries out its Readies (persist to memory, apply, advance), and the messages sent during the
/// previous tick are delivered. One network hop therefore costs one tick, so commit latency in ticks
/// counts round trips, and wall time measures the Raft core itself.
/// </summary>
public sealed class RaftGroupHarness
{
    private const int VoterCount = 3;

    /// <summary>Applied entries kept before the harness compacts, so a long benchmark's memory stays flat.</summary>
    private const long CompactEveryEntries = 8192;

    private readonly RawNode[] _nodes = new RawNode[VoterCount + 1];
    private readonly MemoryRaftLog[] _logs = new MemoryRaftLog[VoterCount + 1];
    private readonly MemoryRaftHardState[] _hardStates = new MemoryRaftHardState[VoterCount + 1];
    private readonly long[] _applied = new long[VoterCount + 1];
    private List<Message> _inFlight = [];
    private List<Message> _sent = [];

    public RaftGroupHarness()
    {
        var voters = new ConfState(Enumerable.Range(1, VoterCount), []);
        for (var id = 1; id <= VoterCount; id++)
        {
            _logs[id] = new MemoryRaftLog();
            _hardStates[id] = new MemoryRaftHardState();
            RaftBootstrap.Bootstrap(_logs[id], _hardStates[id], voters);
            _nodes[id] = new RawNode(new RaftConfig { Id = id, Random = new Random(id) }, _logs[id], _hardStates[id]);
        }

        _nodes[1].Campaign();
        while (Leader.Status.Role != Role.Leader || Leader.Status.Commit < _logs[1].LastIndex)
        {
            Tick();
        }
    }

    public RawNode Leader => _nodes[1];

    public long LeaderCommit { get; private set; }

    public long Ticks { get; private set; }

    /// <summary>Proposes <paramref name="batch"/> and ticks until the leader has committed it; returns the ticks it took.</summary>
    public int ProposeAndCommit(IReadOnlyList<ReadOnlyMemory<byte>> batch)
    {
        if (Leader.Propose(batch) != ProposalResult.Accepted)
        {
            throw new InvalidOperationException("The benchmark leader refused a proposal.");
        }

        // A driver carries out the Ready a proposal creates at once, so the appends leave now, not next tick.
        Process(1);
        var target = _logs[1].LastIndex;
        var ticks = 0;
        while (LeaderCommit < target)
        {
            Tick();
            ticks++;
        }

        return ticks;
    }

    public void Tick()
    {
        Ticks++;
        (_inFlight, _sent) = (_sent, _inFlight);
        _sent.Clear();
        for (var id = 1; id <= VoterCount; id++)
        {
            _nodes[id].Tick();
        }

        foreach (var message in _inFlight)
        {
            _nodes[message.To].Step(message);
        }

        for (var id = 1; id <= VoterCount; id++)
        {
            Process(id);
        }
    }

    private void Process(int id)
    {
        var node = _nodes[id];
        while (node.HasReady())
        {
            var ready = node.GetReady();
            ReadyPersister.Persist(ready, _logs[id], _hardStates[id]);
            _sent.AddRange(ready.Messages);
            if (ready.CommittedEntries.Count > 0)
            {
                _applied[id] = ready.CommittedEntries[^1].Index;
            }

            node.Advance(ready);
            if (id == 1 && ready.HardState is { } state)
            {
                LeaderCommit = state.Commit;
            }
        }

        if (_applied[id] - _logs[id].Snapshot.Index >= CompactEveryEntries)
        {
            _logs[id].Compact(node.CreateSnapshot(_applied[id], ReadOnlyMemory<byte>.Empty));
        }
    }
}
