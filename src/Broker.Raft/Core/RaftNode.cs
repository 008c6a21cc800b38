using Broker.Raft.ReadOnly;
using Broker.Raft.Storage;
using Broker.Raft.Tracking;

namespace Broker.Raft.Core;

/// <summary>
/// One Raft peer as a pure state machine, after etcd's raft.go. Inputs: <see cref="Tick"/> and
/// <see cref="Step"/>. Outputs: <see cref="Outbox"/>, <see cref="ReadStates"/> and the log's unstable part,
/// collected by <see cref="RawNode"/> into a Ready. Split by responsibility over partial files: this one holds
/// state and role transitions; Step.cs the term rules and elections; Leader.cs, Follower.cs and Candidate.cs
/// the role step functions; Replication.cs what the leader sends; Requests.cs proposals, reads and transfers.
/// Single-threaded: the driver serialises every call.
/// </summary>
internal sealed partial class RaftNode
{
    private readonly RaftConfig _config;
    private int _electionElapsed;
    private int _heartbeatElapsed;
    private int _randomizedElectionTimeout;
    private int _configVersion = -1;
    private List<Message> _outbox = [];
    private List<ReadState> _readStates = [];
    private readonly List<Message> _readsAwaitingTermCommit = [];

    public RaftNode(RaftConfig config, IRaftLog log, IRaftHardState hardState)
    {
        config.Validate();
        _config = config;
        Log = new RaftLog(log);
        Tracker = new ProgressTracker(config.InflightAppendsMax);
        var state = hardState.Load();
        Log.CommitTo(state.Commit);
        Log.AppliedTo(Math.Max(Log.Applied, Math.Min(config.Applied, Log.Committed)));
        Term = state.Term;
        Vote = state.Vote;
        ApplyConfigIfChanged();
        BecomeFollower(Term, NodeId.None);
    }

    public int Id => _config.Id;

    public long Term { get; private set; }

    public int Vote { get; private set; }

    public int Leader { get; private set; }

    public Role Role { get; private set; }

    public RaftLog Log { get; }

    public ProgressTracker Tracker { get; }

    public ReadIndexQueue Reads { get; } = new();

    /// <summary>Target of the leadership transfer under way, or none.</summary>
    public int LeadTransferee { get; private set; }

    public HardState HardState => new(Term, Vote, Log.Committed);

    public SoftState SoftState => new(Leader, Role);

    /// <summary>May this node campaign? Only voters may; observers and removed nodes wait to be told.</summary>
    public bool IsPromotable => Tracker.Config.IsVoter(Id);

    public IReadOnlyList<Message> Outbox => _outbox;

    public IReadOnlyList<ReadState> ReadStates => _readStates;

    /// <summary>Hands over the messages and read states produced so far, leaving empty lists behind.</summary>
    public (IReadOnlyList<Message> Messages, IReadOnlyList<ReadState> ReadStates) TakeOutputs()
    {
        IReadOnlyList<Message> messages = _outbox.Count == 0 ? [] : _outbox;
        IReadOnlyList<ReadState> readStates = _readStates.Count == 0 ? [] : _readStates;
        if (_outbox.Count > 0)
        {
            _outbox = [];
        }

        if (_readStates.Count > 0)
        {
            _readStates = [];
        }

        return (messages, readStates);
    }

    public void Tick()
    {
        if (Role == Role.Leader)
        {
            TickLeader();
        }
        else
        {
            TickElection();
        }
    }

    private void TickElection()
    {
        _electionElapsed++;
        if (IsPromotable && _electionElapsed >= _randomizedElectionTimeout)
        {
            _electionElapsed = 0;
            Step(new Message { Type = MessageType.Hup, From = Id });
        }
    }

    private void TickLeader()
    {
        _heartbeatElapsed++;
        _electionElapsed++;
        if (_electionElapsed >= _config.ElectionTicks)
        {
            _electionElapsed = 0;
            if (_config.CheckQuorum)
            {
                Step(new Message { Type = MessageType.CheckQuorum, From = Id });
            }

            // A transfer that has not finished within an election timeout has failed; resume proposals.
            if (Role == Role.Leader && LeadTransferee != NodeId.None)
            {
                LeadTransferee = NodeId.None;
            }
        }

        if (Role == Role.Leader && _heartbeatElapsed >= _config.HeartbeatTicks)
        {
            _heartbeatElapsed = 0;
            Step(new Message { Type = MessageType.Beat, From = Id });
        }
    }

    private void BecomeFollower(long term, int leader)
    {
        Reset(term);
        Leader = leader;
        Role = Role.Follower;
    }

    private void BecomePreCandidate()
    {
        if (Role == Role.Leader)
        {
            throw new InvalidOperationException("A leader cannot become a pre-candidate.");
        }

        // The term stays: a pre-vote that fails must leave no trace on anyone.
        Tracker.ResetVotes();
        Leader = NodeId.None;
        Role = Role.PreCandidate;
    }

    private void BecomeCandidate()
    {
        if (Role == Role.Leader)
        {
            throw new InvalidOperationException("A leader cannot become a candidate.");
        }

        Reset(Term + 1);
        Vote = Id;
        Role = Role.Candidate;
    }

    private void BecomeLeader()
    {
        if (Role != Role.Candidate)
        {
            throw new InvalidOperationException($"Only a candidate becomes leader, not a {Role}.");
        }

        Reset(Term);
        Leader = Id;
        Role = Role.Leader;
        Tracker.Progress[Id].BecomeReplicate();

        // An empty entry of the new term: once it commits, so does everything before it (section 5.4.2),
        // and reads and config changes may proceed.
        AppendAsLeader([new Entry(0, 0, ReadOnlyMemory<byte>.Empty)]);
    }

    private void Reset(long term)
    {
        if (Term != term)
        {
            Term = term;
            Vote = NodeId.None;
        }

        Leader = NodeId.None;
        _electionElapsed = 0;
        _heartbeatElapsed = 0;
        _randomizedElectionTimeout = _config.ElectionTicks + _config.Random.Next(_config.ElectionTicks);
        LeadTransferee = NodeId.None;
        Tracker.ResetVotes();
        Tracker.ResetProgress(Id, Log.LastIndex);
        Reads.Reset();
        _readsAwaitingTermCommit.Clear();
    }

    /// <summary>Adopts the latest configuration in the log if it changed since the last look.</summary>
    private void ApplyConfigIfChanged()
    {
        if (_configVersion == Log.Configs.Version)
        {
            return;
        }

        _configVersion = Log.Configs.Version;
        Tracker.ApplyConfig(Log.Configs.Latest, Log.LastIndex);
        if (LeadTransferee != NodeId.None && !Tracker.Config.IsVoter(LeadTransferee))
        {
            LeadTransferee = NodeId.None;
        }

        if (Role == Role.Leader && !Tracker.Config.IsVoter(Id))
        {
            throw new InvalidOperationException("The leader left the voters; proposals that do so are refused.");
        }
    }

    private void Send(Message message) => _outbox.Add(message.From == Id ? message : message with { From = Id });
}
