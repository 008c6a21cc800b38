namespace Broker.Raft.Tracking;

/// <summary>
/// The membership in force on this node, the leader's per-member <see cref="Progress"/>, and the votes of
/// the current election. Members are kept in id order so that every walk over them (and so every message
/// sent) happens in the same order on every run of a seed.
/// </summary>
internal sealed class ProgressTracker
{
    private readonly SortedDictionary<int, Progress> _progress = [];
    private readonly Dictionary<int, bool> _votes = [];
    private readonly int _inflightAppendsMax;

    public ProgressTracker(int inflightAppendsMax)
    {
        _inflightAppendsMax = inflightAppendsMax;
    }

    public ConfState Config { get; private set; } = ConfState.Empty;

    public IReadOnlyDictionary<int, Progress> Progress => _progress;

    public IReadOnlyList<int> Voters => Config.Voters;

    public bool IsSingleVoter(int self) => Config.Voters.Count == 1 && Config.IsVoter(self);

    /// <summary>Adopts a new membership: new members start probing from <paramref name="lastIndex"/> + 1,
    /// removed ones are forgotten, and members switching kind keep their progress.</summary>
    public void ApplyConfig(ConfState config, long lastIndex)
    {
        Config = config;
        foreach (var removed in _progress.Keys.Where(id => !config.IsMember(id)).ToList())
        {
            _progress.Remove(removed);
        }

        foreach (var id in config.Voters.Concat(config.Observers))
        {
            if (_progress.TryGetValue(id, out var existing))
            {
                existing.IsObserver = config.IsObserver(id);
            }
            else
            {
                // A newcomer counts as active so that check-quorum does not depose the leader before it answers.
                _progress[id] = new Progress(lastIndex + 1, _inflightAppendsMax, config.IsObserver(id)) { RecentActive = true };
            }
        }
    }

    /// <summary>Forgets every follower's state, as a new term begins.</summary>
    public void ResetProgress(int self, long lastIndex)
    {
        foreach (var (id, progress) in _progress)
        {
            progress.Match = id == self ? lastIndex : 0;
            progress.Next = lastIndex + 1;
            progress.BecomeProbe();
            progress.Next = lastIndex + 1;
            progress.RecentActive = id == self;
        }
    }

    /// <summary>The highest index stored on a majority of voters.</summary>
    public long QuorumMatch() =>
        MajorityQuorum.QuorumValue(Config.Voters, id => _progress.TryGetValue(id, out var p) ? p.Match : 0);

    /// <summary>Whether a majority of voters was heard from since the last check (the leader counts itself).</summary>
    public bool QuorumActive(int self) =>
        MajorityQuorum.QuorumValue(Config.Voters, id => id == self || (_progress.TryGetValue(id, out var p) && p.RecentActive) ? 1 : 0) == 1;

    public void ClearRecentActive(int self)
    {
        foreach (var (id, progress) in _progress)
        {
            progress.RecentActive = id == self;
        }
    }

    public void ResetVotes() => _votes.Clear();

    /// <summary>Records a voter's answer; a duplicate or changed answer from the same voter is ignored.</summary>
    public void RecordVote(int voter, bool granted) => _votes.TryAdd(voter, granted);

    public VoteResult TallyVotes() => MajorityQuorum.Tally(Config.Voters, _votes);
}
