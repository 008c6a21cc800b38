using Broker.Client.Admin;
using Broker.Client.Tests.Support;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Protocol;
using static Broker.Client.Tests.Support.GroupTestSupport;

namespace Broker.Client.Tests.Groups;

/// <summary>The admin client's group operations against the fake coordinator.</summary>
public class AdminGroupTests
{
    private static readonly TopicPartition T0 = new("t", 0);
    private static readonly TopicPartition T1 = new("t", 1);

    [Fact]
    public async Task Groups_are_listed_from_every_broker_and_merged()
    {
        await using var cluster = new FakeCluster(brokers: 2);
        cluster.Groups.Group("on-0");
        cluster.Groups.Group("also-on-0");
        cluster.Groups.MoveGroup("on-1", 1);
        await using var admin = new AdminClient(TestOptions.Admin(cluster));

        var groups = await admin.ListGroupsAsync();

        Assert.Equal(["also-on-0", "on-0", "on-1"], groups.Select(g => g.GroupId));
        Assert.All(groups, g => Assert.Equal(("Empty", "consumer"), (g.State, g.Type)));
        Assert.Equal([0, 1], cluster.Groups.Requests.Where(r => r.Api == ApiKey.ListGroups).Select(r => r.Node).Order());
    }

    [Fact]
    public async Task A_group_is_described_with_its_members_and_their_partitions()
    {
        await using var cluster = await ClusterAsync(partitions: 2, perPartition: 1);
        await using var consumer = new Consumer(Options(cluster, instanceId: "box-7"));
        consumer.Subscribe(["t"]);
        await ConsumeUntilAsync(consumer, null, r => r.Count == 2);
        await ProducerTests.WaitUntil(() => Heartbeats(cluster).Any(h => h.Body.TopicPartitions is { Count: > 0 }));
        await using var admin = new AdminClient(TestOptions.Admin(cluster));

        var group = Assert.Single(await admin.DescribeGroupsAsync([GroupId]));

        Assert.Equal((GroupId, "Stable", "uniform"), (group.GroupId, group.State, group.Assignor));
        Assert.True(group.GroupEpoch > 0);
        var member = Assert.Single(group.Members);
        Assert.Equal((consumer.MemberId, "box-7", "broker-dotnet"), (member.MemberId, member.InstanceId, member.ClientId));
        Assert.Equal(["t"], member.SubscribedTopics);
        Assert.Equal([T0, T1], member.Assignment);
        Assert.Equal([T0, T1], member.TargetAssignment);
        var missing = await Assert.ThrowsAsync<AdminOperationException>(() => admin.DescribeGroupsAsync([GroupId, "nope"]));
        Assert.Equal(ErrorCode.GroupIdNotFound, missing.Code);
        Assert.Equal([true, false], missing.Results.Select(r => r.IsSuccess));
    }

    [Fact]
    public async Task Offsets_are_listed_and_altered_only_while_the_group_has_no_members()
    {
        await using var cluster = await ClusterAsync(partitions: 2, perPartition: 6);
        var consumer = new Consumer(Options(cluster));
        consumer.Subscribe(["t"]);
        await ConsumeUntilAsync(consumer, null, r => r.Count == 12);
        await consumer.CommitAsync();
        await using var admin = new AdminClient(TestOptions.Admin(cluster));

        var all = await admin.ListGroupOffsetsAsync(GroupId);
        Assert.Equal((6L, 6L), (all[T0]!.Offset, all[T1]!.Offset));
        var some = await admin.ListGroupOffsetsAsync(GroupId, [T0, new TopicPartition("t", 7)]);
        Assert.Equal(2, some.Count);
        Assert.Null(some[new TopicPartition("t", 7)]);

        var refused = await Assert.ThrowsAsync<AdminOperationException>(() =>
            admin.AlterGroupOffsetsAsync(GroupId, new Dictionary<TopicPartition, OffsetAndMetadata> { [T0] = new(1), [T1] = new(2) }));
        Assert.Equal(ErrorCode.UnknownMemberId, refused.Code);
        Assert.Equal(2, refused.Failures.Count());
        Assert.Contains("has active members", refused.Message, StringComparison.Ordinal);
        Assert.Contains("stop its consumers first", refused.Message, StringComparison.Ordinal);

        await consumer.DisposeAsync();
        await admin.AlterGroupOffsetsAsync(GroupId, new Dictionary<TopicPartition, OffsetAndMetadata> { [T0] = new(1, "rewound") });
        Assert.Equal(new OffsetAndMetadata(1, "rewound"), (await admin.ListGroupOffsetsAsync(GroupId, [T0]))[T0]);
        var commit = Commits(cluster).Last().Body;
        Assert.Equal((null, ProtocolSentinels.NoMemberEpoch), (commit.MemberId, commit.GenerationIdOrMemberEpoch));
    }

    [Fact]
    public async Task A_group_with_members_is_not_deleted_and_an_empty_one_is()
    {
        await using var cluster = await ClusterAsync(partitions: 1, perPartition: 1);
        cluster.Groups.Group("idle");
        await using var consumer = new Consumer(Options(cluster));
        consumer.Subscribe(["t"]);
        await ConsumeUntilAsync(consumer, null, r => r.Count == 1);
        await using var admin = new AdminClient(TestOptions.Admin(cluster));

        var error = await Assert.ThrowsAsync<AdminOperationException>(() => admin.DeleteGroupsAsync([GroupId, "idle"]));

        Assert.Equal(ErrorCode.NonEmptyGroup, error.Code);
        Assert.Equal([(GroupId, ErrorCode.NonEmptyGroup), ("idle", ErrorCode.None)], error.Results.Select(r => (r.Name, r.Error)));
        Assert.Equal([GroupId], (await admin.ListGroupsAsync()).Select(g => g.GroupId));
    }

    [Fact]
    public async Task Group_requests_find_the_coordinator_again_after_coordinator_errors()
    {
        await using var cluster = new FakeCluster(brokers: 2);
        cluster.Groups.MoveGroup("moved", 1);
        cluster.Groups.DefaultCoordinator = 1;
        await using var admin = new AdminClient(TestOptions.Admin(cluster));
        cluster.Groups.InjectError(ApiKey.FindCoordinator, ErrorCode.CoordinatorNotAvailable);
        cluster.Groups.InjectError(ApiKey.DescribeGroups, ErrorCode.CoordinatorLoadInProgress);
        cluster.Groups.InjectError(ApiKey.DescribeGroups, ErrorCode.NotCoordinator);

        var described = Assert.Single(await admin.DescribeGroupsAsync(["moved"]));
        Assert.Equal("Empty", described.State);
        cluster.Groups.MoveGroup("moved", 0); // the cached coordinator (1) now answers NOT_COORDINATOR
        Assert.Empty(await admin.ListGroupOffsetsAsync("moved"));

        var offsetFetches = cluster.Groups.Requests.Where(r => r.Api == ApiKey.OffsetFetch).ToList();
        Assert.Equal([(1, (object)ErrorCode.NotCoordinator)], offsetFetches.Take(1).Select(r => (r.Node, r.Response!)));
        Assert.Equal(0, offsetFetches[^1].Node);
        Assert.True(cluster.RequestCount(ApiKey.FindCoordinator) >= 4);
    }

    [Fact]
    public async Task A_coordinator_that_never_answers_ends_in_a_clear_timeout()
    {
        await using var cluster = new FakeCluster();
        var options = TestOptions.Admin(cluster);
        options.OperationTimeout = TimeSpan.FromSeconds(2);
        options.RetryBackoff = TimeSpan.FromMilliseconds(10);
        options.RetryBackoffMax = TimeSpan.FromMilliseconds(20);
        await using var admin = new AdminClient(options);
        await admin.ListGroupsAsync(); // connected first, so the time goes to refusals, not to connecting
        cluster.Groups.InjectError(ApiKey.FindCoordinator, ErrorCode.CoordinatorNotAvailable, times: 1000);

        var error = await Assert.ThrowsAsync<BrokerException>(() => admin.ListGroupOffsetsAsync("g"));

        Assert.Equal(ErrorCode.CoordinatorNotAvailable, error.Code);
        Assert.Contains("did not succeed within", error.Message, StringComparison.Ordinal);
        Assert.Contains("COORDINATOR_NOT_AVAILABLE", error.Message, StringComparison.Ordinal);
    }
}
