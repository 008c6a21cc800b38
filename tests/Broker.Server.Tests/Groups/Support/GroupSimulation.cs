using Broker.Core;
using Broker.Core.Errors;
using Broker.Server.Groups;

namespace Broker.Server.Tests.Groups.Support;

/// <summary>
/// A seeded run of one group under random joins, heartbeats (clients slow to release, responses lost), leaves,
/// static leaves and restarts, crashes, subscription changes, partition growth, commits and time passing, with the
/// protocol's invariants checked after every step (<see cref="CheckInvariants"/>), then a cooperative phase after
/// which every member must be Stable on its target. A failure names the seed and the last steps.
/// </summary>
internal sealed partial class GroupSimulation
{
    private static readonly string[] TopicNames = ["t0", "t1", "t2"];
    private static readonly string[] InstanceIds = ["i0", "i1", "i2", "i3"];
    private const int ClientsMax = 7;

    private readonly Random _random;
    private readonly GroupHarness _h;
    private readonly GroupCoordinatorShard _follower;
    private readonly List<ConsumerModel> _clients = [];
    private readonly List<string> _instancesAway = [];
    private readonly Dictionary<string, int> _highestEpoch = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (TopicPartitionSet Target, int Version)> _targets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _targetVersionWhenLastStable = new(StringComparer.Ordinal);
    private readonly Queue<string> _trace = new();
    private int _replayed;
    private int _names;

    public GroupSimulation(int seed)
    {
        Seed = seed;
        _random = new Random(seed);
        var options = new GroupCoordinatorOptions { SessionTimeoutMs = 10_000, HeartbeatIntervalMs = 1_000 };
        _h = new GroupHarness(options, seed);
        _h.Topics.Set("t0", _random.Next(1, 7)).Set("t1", _random.Next(1, 5));
        _follower = new GroupCoordinatorShard(options, _h.Topics, new Random(-seed));
    }

    public int Seed { get; }

    public int Steps { get; private set; }

    public void Run(int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            Guard(Step);
            Guard(CheckInvariants);
            Steps++;
        }

        Guard(SettleCooperatively);
        Guard(() => _h.AssertReplayMatchesLive());
        Guard(CheckCompactedReplay);
    }

    private void Step()
    {
        var roll = _random.Next(100);
        switch (roll)
        {
            case < 42: HeartbeatSomeone(); break;
            case < 52: Join(); break;
            case < 56: LeaveSomeone(staticLeave: false); break;
            case < 60: LeaveSomeone(staticLeave: true); break;
            case < 64: CrashSomeone(); break;
            case < 70: RestartAnInstance(); break;
            case < 74: ChangeSubscription(); break;
            case < 77: GrowATopic(); break;
            case < 92: PassTime(_random.Next(100, 3_000)); break;
            default: CommitSomething(); break;
        }
    }

    private void HeartbeatSomeone()
    {
        if (Pick(_clients) is not { } client)
        {
            return;
        }

        if (_random.Next(100) < 5)
        {
            _h.Heartbeat(client.Request());
            client.LoseResponse();
            Note($"{client.Name} heartbeat, response lost");
            return;
        }

        Beat(client, release: _random.Next(100) < 70);
    }

    private void Beat(ConsumerModel client, bool release)
    {
        TrackTargets(noteStable: true);
        var before = Member(client)?.Assigned;
        var response = _h.Heartbeat(client.Request());
        TrackTargets(noteStable: false);
        Note($"{client.Name} heartbeat ({(release ? "releases" : "slow")}): {response.Error} epoch {response.MemberEpoch} {response.Assignment}");
        if (response.Error == ErrorCode.None && before is not null && response.MemberId == client.MemberId && Member(client) is { } after)
        {
            CheckNoPause(client, before, after.Assigned);
        }

        client.Receive(response, release);
    }

    /// <summary>
    /// No pause: a member that reached its target (Stable at the assignment epoch) keeps every partition until its
    /// target changes; only then may a heartbeat take partitions from it. Checked on the coordinator's side, so a
    /// lost response (which delays what the client learns) does not blur it.
    /// </summary>
    private void CheckNoPause(ConsumerModel client, TopicPartitionSet before, TopicPartitionSet after)
    {
        if (before.IsSubsetOf(after)
            || !_targetVersionWhenLastStable.TryGetValue(client.MemberId, out var version)
            || !_targets.TryGetValue(client.MemberId, out var target))
        {
            return;
        }

        Assert.True(target.Version != version, $"{client.Name} lost {before.Except(after)} although its target {target.Target} did not change");
    }

    /// <summary>Counts, per member, how often its target changed, and notes the count when a member is seen Stable.</summary>
    private void TrackTargets(bool noteStable)
    {
        var group = _h.Describe();
        foreach (var member in group.Members)
        {
            if (!_targets.TryGetValue(member.MemberId, out var known))
            {
                _targets[member.MemberId] = (member.Target, 0);
            }
            else if (!known.Target.Equals(member.Target))
            {
                _targets[member.MemberId] = (member.Target, known.Version + 1);
            }

            if (noteStable && member.State == MemberState.Stable && member.MemberEpoch == group.AssignmentEpoch)
            {
                _targetVersionWhenLastStable[member.MemberId] = _targets[member.MemberId].Version;
            }
        }
    }

    private void Join()
    {
        if (_clients.Count >= ClientsMax)
        {
            return;
        }

        var free = InstanceIds.Except(_instancesAway).Except(_clients.Select(c => c.InstanceId).OfType<string>()).ToList();
        var instance = _random.Next(2) == 0 ? Pick(free) : null;
        Start(instance);
    }

    private void Start(string? instanceId)
    {
        var client = new ConsumerModel(GroupHarness.Group, $"c{_names++}{(instanceId is null ? "" : "/" + instanceId)}", instanceId, RandomTopics(), 20_000)
        {
            Assignor = _random.Next(5) == 0 ? RangeAssignor.AssignorName : null,
        };
        _clients.Add(client);
        Note($"start {client.Name} on {string.Join(',', client.Topics)}");
        Beat(client, release: true);
    }

    private void LeaveSomeone(bool staticLeave)
    {
        var client = Pick(_clients.Where(c => c.MemberId.Length > 0 && (!staticLeave || c.InstanceId is not null)).ToList());
        if (client is null)
        {
            return;
        }

        var response = _h.Keep(_h.Shard.LeaveGroup(GroupHarness.Group, client.MemberId, staticLeave, _h.NowMs));
        Note($"{client.Name} leaves{(staticLeave ? " for a restart" : "")}: {response.Error}");
        Stop(client);
    }

    private void CrashSomeone()
    {
        if (Pick(_clients) is { } client)
        {
            Note($"{client.Name} crashes");
            Stop(client);
        }
    }

    private void Stop(ConsumerModel client)
    {
        client.Crash();
        _clients.Remove(client);
        if (client.InstanceId is { } instance)
        {
            _instancesAway.Add(instance);
        }
    }

    private void RestartAnInstance()
    {
        if (Pick(_instancesAway) is { } instance && _clients.Count < ClientsMax)
        {
            _instancesAway.Remove(instance);
            Start(instance);
        }
    }

    private void ChangeSubscription()
    {
        if (Pick(_clients) is { } client)
        {
            client.Subscribe(RandomTopics());
            Note($"{client.Name} subscribes to {string.Join(',', client.Topics)}");
        }
    }

    private void GrowATopic()
    {
        var topic = TopicNames[_random.Next(TopicNames.Length)];
        var count = Math.Min(12, (_h.Topics.PartitionCount(topic) ?? 0) + _random.Next(1, 3));
        _h.Topics.Set(topic, count);
        Note($"{topic} now has {count} partitions");
    }

    private void PassTime(int ms)
    {
        _h.NowMs += ms;
        var fenced = _h.Expire();
        Note($"+{ms} ms, fenced: {string.Join(", ", fenced.Select(f => $"{f.MemberId[..4]} ({f.Reason})"))}");
    }

    private void CommitSomething()
    {
        var client = Pick(_clients.Where(c => c.MemberId.Length > 0).ToList());
        if (client is null)
        {
            return;
        }

        var entries = client.Owned.Select(p => new OffsetCommitEntry(p, _random.Next(1_000))).DefaultIfEmpty(new OffsetCommitEntry(new TopicPartition("t0", 0), 1)).ToList();
        var result = _h.Keep(_h.Shard.CommitOffsets(new OffsetCommitInput(GroupHarness.Group, client.MemberId, client.Epoch, entries), _h.NowMs));
        var current = Member(client);
        var expected = current is null ? ErrorCode.UnknownMemberId : current.MemberEpoch == client.Epoch ? ErrorCode.None : ErrorCode.StaleMemberEpoch;
        Note($"{client.Name} commits {entries.Count}: {result.Partitions[0].Error}");
        Assert.All(result.Partitions, p => Assert.Equal(expected, p.Error));
    }

    private string[] RandomTopics()
    {
        var topics = TopicNames.Where(_ => _random.Next(2) == 0).ToArray();
        return topics.Length > 0 ? topics : [TopicNames[_random.Next(TopicNames.Length)]];
    }

    private MemberDescription? Member(ConsumerModel client) =>
        _h.Describe().Members.SingleOrDefault(m => m.MemberId == client.MemberId);

    private T? Pick<T>(IReadOnlyList<T> items) => items.Count == 0 ? default : items[_random.Next(items.Count)];

    private void Note(string line)
    {
        _trace.Enqueue($"[{Steps}] {line}");
        if (_trace.Count > 40)
        {
            _trace.Dequeue();
        }
    }

    private void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                $"Seed {Seed}, step {Steps}: {e.Message}\nLast steps:\n{string.Join('\n', _trace)}", e);
        }
    }
}
