using Broker.Raft.Core;
using Broker.Raft.Storage;

namespace Broker.Raft;

/// <summary>
/// The application's handle on one Raft node, after etcd's RawNode: feed it ticks, messages and
/// requests; take a <see cref="Ready"/>, carry it out, and <see cref="Advance"/>. It does no I/O, owns no
/// thread and reads no clock; it reads <see cref="IRaftLog"/> but never writes it. Not thread-safe: the
/// driver calls it from one thread (or under one lock).
/// </summary>
public sealed class RawNode
{
    private readonly RaftNode _node;
    private readonly IRaftLog _log;
    private SoftState _lastSoftState;
    private HardState _lastHardState;
    private readonly long _applyBytesMax;
    private Ready? _outstanding;

    /// <summary>Starts a node over existing storage (empty for a node joining later, bootstrapped with
    /// <see cref="RaftBootstrap"/> for a founding member). <see cref="RaftConfig.Applied"/> says how far the
    /// application's state machine already is.</summary>
    public RawNode(RaftConfig config, IRaftLog log, IRaftHardState hardState)
    {
        _log = log;
        _applyBytesMax = config.ApplyBytesMax;
        _node = new RaftNode(config, log, hardState);
        _lastSoftState = _node.SoftState;
        _lastHardState = _node.HardState;
    }

    internal RaftNode Node => _node;

    public int Id => _node.Id;

    public void Tick() => _node.Tick();

    /// <summary>Feeds a message from another node. Local message types are refused: they have their own methods.</summary>
    public void Step(Message message)
    {
        if (message.Type is MessageType.Hup or MessageType.Beat or MessageType.CheckQuorum
            or MessageType.SnapshotStatus or MessageType.Unreachable)
        {
            throw new ArgumentException($"{message.Type} is local; use the RawNode method for it.", nameof(message));
        }

        _node.Step(message);
    }

    /// <summary>Starts an election now (pre-vote first, if enabled).</summary>
    public void Campaign() => _node.StepLocal(MessageType.Hup, _node.Id);

    public ProposalResult Propose(ReadOnlyMemory<byte> data) => _node.Propose([data]);

    /// <summary>Proposes several entries at once; they go out in the same appends.</summary>
    public ProposalResult Propose(IReadOnlyList<ReadOnlyMemory<byte>> data) => _node.Propose(data);

    public ProposalResult ProposeConfChange(ConfChange change) => _node.ProposeConfChange(change);

    /// <summary>Asks the leader (this node, or the one it follows) to hand leadership to <paramref name="target"/>.</summary>
    public void TransferLeadership(int target) => _node.StepLocal(MessageType.TransferLeader, target);

    /// <summary>Requests a linearizable read; its <see cref="ReadState"/> appears in a later Ready tagged with <paramref name="context"/>.</summary>
    public void ReadIndex(long context) => _node.StepLocal(MessageType.ReadIndex, NodeId.None, context);

    /// <summary>The transport reports that messages to <paramref name="node"/> could not be delivered.</summary>
    public void ReportUnreachable(int node) => _node.StepLocal(MessageType.Unreachable, node);

    /// <summary>The transport reports the fate of a snapshot sent to <paramref name="node"/>.</summary>
    public void ReportSnapshot(int node, bool delivered) =>
        _node.StepLocal(MessageType.SnapshotStatus, node, reject: !delivered);

    /// <summary>
    /// A snapshot of the application's state at <paramref name="index"/> (at most the applied index), with the
    /// term and membership Raft needs. The application then installs it with <see cref="IRaftLog.Compact"/>.
    /// </summary>
    public Snapshot CreateSnapshot(long index, ReadOnlyMemory<byte> data)
    {
        var log = _node.Log;
        if (index > log.Applied || index <= _log.Snapshot.Index)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Snapshot index must lie in ({_log.Snapshot.Index}, {log.Applied}].");
        }

        return new Snapshot(index, log.TermOrZero(index), log.Configs.At(index), data);
    }

    public bool HasReady()
    {
        var log = _node.Log;
        return _node.Outbox.Count > 0
            || _node.ReadStates.Count > 0
            || log.UnstableEntries.Count > 0
            || log.UnstableSnapshot is not null
            || (_outstanding is null && log.HasNextCommittedEntries)
            || _node.SoftState != _lastSoftState
            || !_node.HardState.Equals(_lastHardState);
    }

    /// <summary>Collects the work to do. Call <see cref="Advance"/> with it before asking for the next one.</summary>
    public Ready GetReady()
    {
        if (_outstanding is not null)
        {
            throw new InvalidOperationException("The previous Ready was not advanced.");
        }

        var log = _node.Log;
        var softState = _node.SoftState;
        var hardState = _node.HardState;
        var (messages, readStates) = _node.TakeOutputs();
        var entries = log.UnstableEntries.ToArray();
        var ready = new Ready(
            softState != _lastSoftState ? softState : null,
            hardState.Equals(_lastHardState) ? null : hardState,
            log.UnstableSnapshot,
            entries,
            log.NextCommittedEntries(_applyBytesMax),
            messages,
            readStates,
            mustSync: entries.Length > 0 || hardState.Term != _lastHardState.Term || hardState.Vote != _lastHardState.Vote);
        _lastSoftState = softState;
        _lastHardState = hardState;
        _outstanding = ready;
        return ready;
    }

    /// <summary>Reports that <paramref name="ready"/> was carried out: its entries are durable and its
    /// committed entries (and snapshot) applied.</summary>
    public void Advance(Ready ready)
    {
        if (!ReferenceEquals(ready, _outstanding))
        {
            throw new InvalidOperationException("Advance must be given the Ready last returned by GetReady.");
        }

        _outstanding = null;
        var log = _node.Log;
        if (ready.Entries.Count > 0)
        {
            var last = ready.Entries[^1];
            log.StableTo(last.Index, last.Term);
        }

        if (ready.Snapshot is { } snapshot)
        {
            log.StableSnapshotTo(snapshot.Index);
            log.AppliedTo(Math.Max(log.Applied, snapshot.Index));
        }

        if (ready.CommittedEntries.Count > 0)
        {
            log.AppliedTo(ready.CommittedEntries[^1].Index);
        }

        log.CompactConfigs();
    }

    public RaftStatus Status
    {
        get
        {
            var followers = _node.Role == Role.Leader
                ? _node.Tracker.Progress.ToDictionary(p => p.Key, p => new FollowerStatus(p.Value.Match, p.Value.Next, p.Value.State, p.Value.IsObserver))
                : new Dictionary<int, FollowerStatus>();
            var log = _node.Log;
            return new RaftStatus(
                _node.Id, _node.Term, _node.Vote, _node.Leader, _node.Role, log.Committed, log.Applied,
                log.FirstIndex, log.LastIndex, _node.Tracker.Config, _node.LeadTransferee, followers);
        }
    }
}
