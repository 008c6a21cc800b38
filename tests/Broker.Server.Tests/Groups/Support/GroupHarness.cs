using Broker.Server.Groups;

namespace Broker.Server.Tests.Groups.Support;

/// <summary>
/// A shard with a clock, a topic table and the log it wrote (every operation's records, in order), plus helpers
/// for the common moves. <see cref="AssertReplayMatchesLive"/> checks the central property: the log, replayed as
/// bytes into a fresh shard, gives the same state.
/// </summary>
internal sealed class GroupHarness
{
    public const string Group = "g";

    public GroupHarness(GroupCoordinatorOptions? options = null, int seed = 1)
    {
        Options = options ?? new GroupCoordinatorOptions();
        Shard = new GroupCoordinatorShard(Options, Topics, new Random(seed));
    }

    public GroupCoordinatorOptions Options { get; }

    public TopicTable Topics { get; } = new();

    public GroupCoordinatorShard Shard { get; }

    public List<GroupRecord> Log { get; } = [];

    public long NowMs { get; set; } = 1_000_000;

    public HeartbeatOutput Heartbeat(HeartbeatInput input) => Keep(Shard.Heartbeat(input, NowMs));

    /// <summary>Sends the consumer's heartbeat and lets it take in the answer.</summary>
    public HeartbeatOutput Beat(ConsumerModel consumer, bool release = true)
    {
        var response = Heartbeat(consumer.Request());
        consumer.Receive(response, release);
        return response;
    }

    public ConsumerModel Consumer(string name, params string[] topics) => new(Group, name, null, topics);

    public ConsumerModel StaticConsumer(string name, string instanceId, params string[] topics) => new(Group, name, instanceId, topics);

    /// <summary>Heartbeats every consumer, releasing at once, until a round changes nothing (at most 20 rounds).</summary>
    public void Settle(params ConsumerModel[] consumers)
    {
        for (var round = 0; round < 20; round++)
        {
            var logBefore = Log.Count;
            var owned = consumers.Select(c => c.Owned).ToList();
            foreach (var consumer in consumers)
            {
                Beat(consumer);
            }

            if (Log.Count == logBefore && owned.SequenceEqual(consumers.Select(c => c.Owned)))
            {
                return;
            }
        }

        throw new InvalidOperationException("The group did not settle in 20 rounds.");
    }

    public IReadOnlyList<FencedMember> Expire() => Keep(Shard.ExpireSessions(NowMs));

    public T Keep<T>(GroupOperationResult<T> result)
    {
        Log.AddRange(result.Records);
        return result.Response;
    }

    public GroupDescription Describe(string group = Group) => Shard.DescribeGroups([group])[0];

    public MemberDescription Member(ConsumerModel consumer) => Describe(consumer.GroupId).Members.Single(m => m.MemberId == consumer.MemberId);

    public void AssertReplayMatchesLive()
    {
        var fresh = new GroupCoordinatorShard(Options, Topics, new Random(0));
        foreach (var record in Log)
        {
            fresh.Replay(GroupRecordCodec.EncodeKey(record.Key), GroupRecordCodec.EncodeValue(record.Value), record.IsTombstone);
        }

        AssertSameState(Shard, fresh);
    }

    /// <summary>Two shards hold the same durable state: their live records encode to the same bytes.</summary>
    public static void AssertSameState(GroupCoordinatorShard expected, GroupCoordinatorShard actual) =>
        Assert.Equal(Encode(expected), Encode(actual));

    public static List<string> Encode(GroupCoordinatorShard shard) =>
        shard.LiveRecords()
            .Select(r => Convert.ToHexString(GroupRecordCodec.EncodeKey(r.Key)) + "=" + Convert.ToHexString(GroupRecordCodec.EncodeValue(r.Value)!))
            .ToList();
}
