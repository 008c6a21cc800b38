using Broker.Client.Tests.Support;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Protocol;
using static Broker.Client.Tests.Support.GroupTestSupport;

namespace Broker.Client.Tests.Groups;

/// <summary>Commits: automatic, explicit, after the epoch moved, on close, and as a consumer outside group management.</summary>
public class GroupCommitTests
{
    private static readonly TopicPartition T0 = new("t", 0);
    private static readonly TopicPartition T1 = new("t", 1);

    [Fact]
    public async Task Auto_commit_commits_the_positions_on_its_interval_as_the_member()
    {
        await using var cluster = await ClusterAsync(partitions: 1, perPartition: 10);
        var options = Options(cluster);
        options.AutoCommitInterval = TimeSpan.FromMilliseconds(100);
        await using var consumer = new Consumer(options);
        consumer.Subscribe(["t"]);

        await ConsumeUntilAsync(consumer, null, r => r.Count == 4);
        await ProducerTests.WaitUntil(() => cluster.Groups.Committed(GroupId).GetValueOrDefault(T0) == 4);
        await ConsumeUntilAsync(consumer, null, r => r.Count == 3);
        await ProducerTests.WaitUntil(() => cluster.Groups.Committed(GroupId).GetValueOrDefault(T0) == 7);

        var commit = Commits(cluster).Last().Body;
        Assert.Equal(consumer.MemberId, commit.MemberId);
        Assert.True(commit.GenerationIdOrMemberEpoch > 0);
    }

    [Fact]
    public async Task Without_auto_commit_nothing_is_committed_until_the_application_commits()
    {
        await using var cluster = await ClusterAsync(partitions: 2, perPartition: 5);
        var options = Options(cluster);
        options.EnableAutoCommit = false;
        options.AutoCommitInterval = TimeSpan.FromMilliseconds(10);
        await using var consumer = new Consumer(options);
        consumer.Subscribe(["t"]);
        var results = await ConsumeUntilAsync(consumer, null, r => r.Count == 10);
        Assert.Empty(Commits(cluster));

        await consumer.CommitAsync();

        var commit = Assert.Single(Commits(cluster)).Body; // every owned partition in one request
        Assert.Equal((5L, 5L), (CommittedIn(commit, T0), CommittedIn(commit, T1)));
        await consumer.CommitAsync(new Dictionary<TopicPartition, OffsetAndMetadata> { [T0] = new(2, "checkpoint") });
        var committed = await consumer.CommittedAsync([T0, T1, new TopicPartition("t", 9)]);
        Assert.Equal(new OffsetAndMetadata(2, "checkpoint"), committed[T0]);
        Assert.Equal(5, committed[T1]!.Offset);
        Assert.Null(committed[new TopicPartition("t", 9)]);
        Assert.Throws<InvalidOperationException>(() =>
            consumer.CommitAsync(new Dictionary<TopicPartition, OffsetAndMetadata> { [new TopicPartition("t", 9)] = new(1) }).GetAwaiter().GetResult());
    }

    [Fact]
    public async Task A_commit_refused_for_a_stale_epoch_is_sent_again_after_a_heartbeat()
    {
        await using var cluster = await ClusterAsync(partitions: 1, perPartition: 3);
        var options = Options(cluster);
        options.EnableAutoCommit = false;
        await using var consumer = new Consumer(options);
        consumer.Subscribe(["t"]);
        await ConsumeUntilAsync(consumer, null, r => r.Count == 3);
        cluster.Groups.InjectError(ApiKey.OffsetCommit, ErrorCode.StaleMemberEpoch);

        await consumer.CommitAsync();

        var commits = Commits(cluster).ToList();
        Assert.Equal(2, commits.Count);
        Assert.Equal(ErrorCode.StaleMemberEpoch, commits[0].Request.Response);
        Assert.Contains(Heartbeats(cluster), h => h.Request.Sequence > commits[0].Request.Sequence && h.Request.Sequence < commits[1].Request.Sequence);
        Assert.Equal(3, cluster.Groups.Committed(GroupId)[T0]);
    }

    [Fact]
    public async Task A_commit_refused_because_the_member_was_fenced_fails_with_the_error_named()
    {
        await using var cluster = await ClusterAsync(partitions: 1, perPartition: 3);
        var options = Options(cluster);
        options.EnableAutoCommit = false;
        await using var consumer = new Consumer(options);
        consumer.Subscribe(["t"]);
        await ConsumeUntilAsync(consumer, null, r => r.Count == 3);
        cluster.Groups.InjectError(ApiKey.OffsetCommit, ErrorCode.UnknownMemberId);

        var error = await Assert.ThrowsAsync<BrokerException>(() => consumer.CommitAsync());

        Assert.Equal(ErrorCode.UnknownMemberId, error.Code);
        Assert.Contains("UNKNOWN_MEMBER_ID", error.Message, StringComparison.Ordinal);
        Assert.Contains("group 'g'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, ProtocolSentinels.LeaveGroupMemberEpoch)]
    [InlineData("instance-1", ProtocolSentinels.LeaveGroupStaticMemberEpoch)]
    public async Task Closing_commits_runs_the_revoked_callback_then_leaves(string? instanceId, int leaveEpoch)
    {
        await using var cluster = await ClusterAsync(partitions: 2, perPartition: 4);
        var listener = new RecordingListener();
        var consumer = new Consumer(Options(cluster, instanceId));
        consumer.Subscribe(["t"], listener);
        await ConsumeUntilAsync(consumer, listener, r => r.Count == 8);
        var memberId = consumer.MemberId;

        listener.InsideConsume = true;
        await consumer.DisposeAsync();

        var commit = Commits(cluster).Last();
        Assert.Equal((4L, 4L), (CommittedIn(commit.Body, T0), CommittedIn(commit.Body, T1)));
        var leave = Heartbeats(cluster).Last();
        Assert.Equal((memberId, leaveEpoch, instanceId), (leave.Body.MemberId, leave.Body.MemberEpoch, leave.Body.InstanceId));
        Assert.True(commit.Request.Sequence < leave.Request.Sequence);
        Assert.Equal(["assigned", "revoked"], listener.Calls.Select(c => c.Kind));
        Assert.Equal([T0, T1], listener.Calls[1].Partitions);
        lock (cluster.Lock)
        {
            var members = cluster.Groups.Group(GroupId).Members;
            Assert.Equal(instanceId is not null, members.ContainsKey(memberId!)); // a static member is kept for its restart
        }
    }

    [Fact]
    public async Task Assigned_partitions_of_a_consumer_with_a_group_id_start_from_committed_offsets_and_commit_outside_membership()
    {
        await using var cluster = await ClusterAsync(partitions: 2, perPartition: 5);
        lock (cluster.Lock)
        {
            cluster.Groups.Group(GroupId).Offsets[T1] = (3, null);
        }

        var consumer = new Consumer(Options(cluster));
        consumer.Assign([T0, T1]);
        var results = await ConsumeUntilAsync(consumer, null, r => r.Count == 7);
        Assert.Equal([3L, 4L], results.Where(r => r.Partition == 1).Select(r => r.Offset));
        await consumer.DisposeAsync();

        var commit = Assert.Single(Commits(cluster)).Body; // auto-commit on close
        Assert.Equal((null, ProtocolSentinels.NoMemberEpoch), (commit.MemberId, commit.GenerationIdOrMemberEpoch));
        Assert.Equal((5L, 5L), (CommittedIn(commit, T0), CommittedIn(commit, T1)));
        var lookup = cluster.Groups.Requests.Select(r => r.Body).OfType<Broker.Protocol.Messages.OffsetFetch.OffsetFetchRequest>().First();
        Assert.Equal((null, ProtocolSentinels.NoMemberEpoch), (lookup.MemberId, lookup.MemberEpoch));
        Assert.Empty(Heartbeats(cluster));
    }
}
