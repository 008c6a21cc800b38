using Broker.Raft;
using Broker.Raft.Storage;

namespace Broker.Simulation;

/// <summary>
/// One simulated server: a <see cref="RawNode"/>, its storage (which survives crashes, minus what the
/// contract lets it lose), and its state machine (which does not survive; a restart rebuilds it from the
/// snapshot and the committed log). Drives the Ready loop the way a real driver would.
/// </summary>
internal sealed class SimNode
{
    private readonly SimulationContext _context;
    private readonly MemoryRaftHardState _hardState = new();
    private SimStateMachine _stateMachine = new();
    private long _knownCommit;

    public SimNode(int id, SimulationContext context, ConfState? bootstrap)
    {
        Id = id;
        _context = context;
        if (bootstrap is not null)
        {
            RaftBootstrap.Bootstrap(Log, _hardState, bootstrap);
        }

        Start();
    }

    public int Id { get; }

    public SimRaftLog Log { get; } = new();

    public RawNode? Raft { get; private set; }

    public bool IsUp => Raft is not null;

    /// <summary>Paused nodes neither tick nor receive until this tick; 0 when running.</summary>
    public long PausedUntil { get; set; }

    /// <summary>Up and not paused: able to act now.</summary>
    public bool IsRunning(long now) => IsUp && PausedUntil <= now;

    public long Applied => _stateMachine.AppliedIndex;

    /// <summary>Set by the fault injector: the next Ready that writes dies halfway through writing.</summary>
    public bool CrashDuringNextWrite { get; set; }

    public void Crash()
    {
        Raft = null;
        CrashDuringNextWrite = false;
        Log.Crash(_context.Random);
        _context.Trace($"node {Id} crashed; durable log ends at {Log.LastIndex}");
    }

    public void Start()
    {
        _stateMachine = new SimStateMachine();
        _stateMachine.Restore(Log.Snapshot);
        Raft = new RawNode(_context.RaftConfigFor(Id, _stateMachine.AppliedIndex), Log, _hardState);
        _knownCommit = _hardState.Load().Commit;
        _context.Trace($"node {Id} started: term {_hardState.Load().Term}, log [{Log.FirstIndex}, {Log.LastIndex}]");
        Process();
    }

    /// <summary>Carries out every pending Ready, checking invariants after each.</summary>
    public void Process()
    {
        while (Raft is { } raft && raft.HasReady())
        {
            var ready = raft.GetReady();
            if (CrashDuringNextWrite && (ready.Entries.Count > 0 || ready.HardState is not null))
            {
                CrashMidWrite(ready);
                return;
            }

            ReadyPersister.Persist(ready, Log, _hardState);
            var checker = _context.Checker;
            checker.OnPersisted(Id, ready.Entries, Log);
            var term = raft.Node.Term;
            if (ready.HardState is { } state && state.Commit > _knownCommit)
            {
                checker.OnCommitted(Id, term, _knownCommit, state.Commit, Log);
                _knownCommit = state.Commit;
            }

            foreach (var message in ready.Messages)
            {
                _context.Network.Send(message, _context.Now);
            }

            Apply(ready, term);
            foreach (var read in ready.ReadStates)
            {
                checker.OnReadState(Id, read);
            }

            raft.Advance(ready);
            if (raft.Node.Role == Role.Leader)
            {
                checker.OnLeader(Id, raft.Node.Term, Log);
            }

            MaybeCompact(raft);
        }
    }

    private void Apply(Ready ready, long term)
    {
        if (ready.Snapshot is { } snapshot)
        {
            _stateMachine.Restore(snapshot);
            _context.Checker.OnSnapshotInstalled(Id, snapshot);
        }

        foreach (var entry in ready.CommittedEntries)
        {
            _stateMachine.Apply(entry);
            _context.Checker.OnApplied(Id, term, entry, _stateMachine.Hash);
            _context.OnApplied(Id, entry);
        }
    }

    /// <summary>Power fails during the Ready's writes: entries written, perhaps synced, but the hard state not
    /// saved and no message sent. The storage then keeps whatever its contract allows.</summary>
    private void CrashMidWrite(Ready ready)
    {
        if (ready.Snapshot is { } snapshot)
        {
            Log.ApplySnapshot(snapshot);
        }

        ReadyPersister.AppendEntries(ready.Entries, Log);
        if (_context.Random.Next(2) == 0)
        {
            Log.Sync();
        }

        Crash();
    }

    private void MaybeCompact(RawNode raft)
    {
        if (Applied - Log.Snapshot.Index < _context.Options.CompactEveryEntries)
        {
            return;
        }

        var snapshot = raft.CreateSnapshot(Applied, _stateMachine.TakeSnapshot());
        var error = Log.Compact(snapshot);
        if (error != RaftStorageError.None)
        {
            throw new InvariantViolation($"node {Id} could not compact at {Applied}: {error}");
        }
    }
}
