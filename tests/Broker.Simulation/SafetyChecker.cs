using System.Buffers.Binary;
using Broker.Raft;

namespace Broker.Simulation;

/// <summary>
/// Raft's safety properties (paper, Figure 3), checked incrementally as nodes persist, commit and apply:
/// <list type="bullet">
/// <item>Election safety: at most one leader per term.</item>
/// <item>Log matching: an entry at (index, term) has the same content and the same predecessor term in
/// every log. Each entry is checked when written, against the term before it; since a log changes only
/// by appending (after truncating) and snapshots, that covers every adjacent pair ever held.</item>
/// <item>Leader completeness: a new leader holds every entry known committed in an earlier or equal term.</item>
/// <item>State machine safety: every node that applies index i applies the same entry and reaches the same state.</item>
/// <item>Linearizable reads: a ReadIndex answer is at least every commit index known when the read began.</item>
/// </list>
/// </summary>
internal sealed class SafetyChecker
{
    private readonly Dictionary<long, int> _leaderOfTerm = [];
    private readonly Dictionary<(long Index, long Term), (ulong Fingerprint, long PreviousTerm)> _entries = [];
    private readonly Dictionary<long, (long Term, ulong Fingerprint, long LearnedInTerm)> _committed = [];
    private readonly Dictionary<long, ulong> _stateAfter = [];
    private readonly Dictionary<(int Node, long Context), long> _readFloors = [];
    private readonly HashSet<(int Node, long Term)> _leadershipsChecked = [];

    public long CommitKnownMax { get; private set; }

    /// <summary>Terms that had a leader, for the run's statistics.</summary>
    public int LeaderTerms => _leaderOfTerm.Count;

    public void OnPersisted(int node, IReadOnlyList<Entry> entries, SimRaftLog log)
    {
        foreach (var entry in entries)
        {
            if (log.TryGetTerm(entry.Index - 1, out var previousTerm) != Raft.Storage.RaftStorageError.None)
            {
                throw new InvariantViolation($"node {node} persisted {entry} without the entry before it");
            }

            var fingerprint = SimStateMachine.Fingerprint(entry);
            if (_entries.TryGetValue((entry.Index, entry.Term), out var known))
            {
                if (known.Fingerprint != fingerprint || known.PreviousTerm != previousTerm)
                {
                    throw new InvariantViolation(
                        $"log matching: node {node} holds {entry} after term {previousTerm}; elsewhere it follows term {known.PreviousTerm} with other content: {known.Fingerprint != fingerprint}");
                }
            }
            else
            {
                _entries[(entry.Index, entry.Term)] = (fingerprint, previousTerm);
            }
        }
    }

    public void OnCommitted(int node, long term, long from, long to, SimRaftLog log)
    {
        CommitKnownMax = Math.Max(CommitKnownMax, to);
        var lo = Math.Max(from + 1, log.FirstIndex);
        if (lo > to)
        {
            return;
        }

        var entries = new List<Entry>();
        if (log.TryGetEntries(lo, to + 1, long.MaxValue, entries) != Raft.Storage.RaftStorageError.None)
        {
            throw new InvariantViolation($"node {node} committed up to {to} but its log ends at {log.LastIndex}");
        }

        foreach (var entry in entries)
        {
            RecordCommitted(node, entry.Index, entry.Term, SimStateMachine.Fingerprint(entry), term);
        }
    }

    public void OnSnapshotInstalled(int node, Snapshot snapshot)
    {
        var hash = BinaryPrimitives.ReadUInt64LittleEndian(snapshot.Data.Span[8..]);
        CheckState(node, snapshot.Index, hash);
        if (_committed.TryGetValue(snapshot.Index, out var committed) && committed.Term != snapshot.Term)
        {
            throw new InvariantViolation($"node {node} installed a snapshot at {snapshot.Index} of term {snapshot.Term}; committed entry there is of term {committed.Term}");
        }
    }

    public void OnApplied(int node, long term, Entry entry, ulong stateHash)
    {
        RecordCommitted(node, entry.Index, entry.Term, SimStateMachine.Fingerprint(entry), term);
        CheckState(node, entry.Index, stateHash);
    }

    public void OnLeader(int node, long term, SimRaftLog log)
    {
        if (_leaderOfTerm.TryGetValue(term, out var leader) && leader != node)
        {
            throw new InvariantViolation($"election safety: nodes {leader} and {node} both lead term {term}");
        }

        _leaderOfTerm[term] = node;
        if (_leadershipsChecked.Add((node, term)))
        {
            CheckLeaderCompleteness(node, term, log);
        }
    }

    public void OnReadRequested(int node, long context) => _readFloors[(node, context)] = CommitKnownMax;

    public void OnReadState(int node, ReadState read)
    {
        if (_readFloors.Remove((node, read.RequestContext), out var floor) && read.Index < floor)
        {
            throw new InvariantViolation(
                $"linearizable read: node {node} read at index {read.Index}, but {floor} was known committed when the read began");
        }
    }

    private void CheckLeaderCompleteness(int node, long term, SimRaftLog log)
    {
        for (var index = log.FirstIndex; index <= CommitKnownMax; index++)
        {
            if (!_committed.TryGetValue(index, out var committed) || committed.LearnedInTerm > term)
            {
                continue;
            }

            if (log.TryGetTerm(index, out var held) != Raft.Storage.RaftStorageError.None || held != committed.Term)
            {
                throw new InvariantViolation(
                    $"leader completeness: node {node} leads term {term} without committed entry {committed.Term}/{index} (holds term {held}, log ends at {log.LastIndex})");
            }
        }
    }

    private void RecordCommitted(int node, long index, long term, ulong fingerprint, long learnedInTerm)
    {
        if (_committed.TryGetValue(index, out var known))
        {
            if (known.Term != term || known.Fingerprint != fingerprint)
            {
                throw new InvariantViolation(
                    $"state machine safety: node {node} has {term}/{index} committed, but {known.Term}/{index} was committed before");
            }

            if (learnedInTerm < known.LearnedInTerm)
            {
                _committed[index] = known with { LearnedInTerm = learnedInTerm };
            }
        }
        else
        {
            _committed[index] = (term, fingerprint, learnedInTerm);
        }
    }

    private void CheckState(int node, long index, ulong hash)
    {
        if (_stateAfter.TryGetValue(index, out var known))
        {
            if (known != hash)
            {
                throw new InvariantViolation($"state machine safety: node {node} reached a different state after applying index {index}");
            }
        }
        else
        {
            _stateAfter[index] = hash;
        }
    }
}
