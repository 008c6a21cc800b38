using Broker.Client.Tests.Support;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Protocol;
using static Broker.Client.Tests.Support.GroupTestSupport;

namespace Broker.Client.Tests.Groups;

/// <summary>What a member does when the group goes wrong: fenced, forgotten, coordinator moved, fatal errors, misuse.</summary>
public class GroupFailureTests
{
    private static readonly TopicPartition T0 = new("t", 0);
    private static readonly TopicPartition T1 = new("t", 1);

    [Fact]
    public async Task A_fenced_member_reports_its_partitions_lost_then_rejoins_with_epoch_0_and_the_same_member_id()
    {
        await using var cluster = await ClusterAsync(partitions: 2, perPartition: 3);
        var listener = new RecordingListener();
        long sequenceAtLost = -1;
        listener.During = (kind, _) => sequenceAtLost = kind == "lost" ? cluster.Groups.Requests.Count : sequenceAtLost;
        await using var consumer = new Consumer(Options(cluster));
        consumer.Subscribe(["t"], listener);
        await ConsumeUntilAsync(consumer, listener, r => r.Count == 6);
        var memberId = consumer.MemberId!;

        lock (cluster.Lock)
        {
            cluster.Groups.Group(GroupId).Members[memberId].Epoch += 10; // the member's next heartbeat is from a stale epoch
        }

        await ConsumeUntilAsync(consumer, listener, _ => listener.Count("assigned") == 2);

        Assert.Equal(["assigned", "lost", "assigned"], listener.Calls.Select(c => c.Kind));
        Assert.All(listener.Calls, c => Assert.True(c.InsideConsume));
        Assert.Equal([T0, T1], listener.Calls[1].Partitions);
        var rejoin = Heartbeats(cluster).Where(h => h.Body.MemberEpoch == 0).Skip(1).First();
        Assert.Equal(memberId, rejoin.Body.MemberId);
        Assert.Empty(rejoin.Body.TopicPartitions!);
        Assert.True(rejoin.Request.Sequence >= sequenceAtLost, "rejoins after the application heard of the loss");
        Assert.Empty(Commits(cluster)); // lost partitions are not committed
        Assert.Equal(memberId, consumer.MemberId);
    }

    [Fact]
    public async Task A_member_the_coordinator_forgot_rejoins_with_a_new_member_id()
    {
        await using var cluster = await ClusterAsync(partitions: 2, perPartition: 1);
        var listener = new RecordingListener();
        await using var consumer = new Consumer(Options(cluster));
        consumer.Subscribe(["t"], listener);
        await ConsumeUntilAsync(consumer, listener, r => r.Count == 2);
        var memberId = consumer.MemberId!;

        lock (cluster.Lock)
        {
            cluster.Groups.Group(GroupId).Members.Remove(memberId); // as after its session expired
        }

        await ConsumeUntilAsync(consumer, listener, _ => listener.Count("assigned") == 2);

        Assert.Equal(["assigned", "lost", "assigned"], listener.Calls.Select(c => c.Kind));
        var rejoin = Heartbeats(cluster).Where(h => h.Body.MemberEpoch == 0).Skip(1).First();
        Assert.Equal("", rejoin.Body.MemberId);
        Assert.NotEqual(memberId, consumer.MemberId);
    }

    [Fact]
    public async Task When_the_coordinator_moves_the_member_finds_it_again_and_sends_a_full_heartbeat()
    {
        await using var cluster = await ClusterAsync(partitions: 2, perPartition: 1, brokers: 2);
        var listener = new RecordingListener();
        await using var consumer = new Consumer(Options(cluster));
        consumer.Subscribe(["t"], listener);
        await ConsumeUntilAsync(consumer, listener, r => r.Count == 2);
        var epoch = Heartbeats(cluster).Last().Body.MemberEpoch;

        cluster.Groups.MoveGroup(GroupId, 1);
        await ProducerTests.WaitUntil(() => Heartbeats(cluster).Any(h => h.Request.Node == 1));

        var refused = Heartbeats(cluster).Last(h => h.Request.Node == 0);
        Assert.Equal(ErrorCode.NotCoordinator, refused.Request.Response);
        var moved = Heartbeats(cluster).First(h => h.Request.Node == 1).Body;
        Assert.NotNull(moved.SubscribedTopicNames);
        Assert.Equal([T0, T1], Owned(moved));
        Assert.True(moved.MemberEpoch >= epoch);
        Assert.True(cluster.RequestCount(ApiKey.FindCoordinator) >= 2);
        Assert.Equal(["assigned"], listener.Calls.Select(c => c.Kind)); // nothing was lost
    }

    [Fact]
    public async Task A_fatal_heartbeat_error_reaches_the_application_by_name_from_every_consume_call()
    {
        await using var cluster = await ClusterAsync(partitions: 1, perPartition: 1);
        var options = Options(cluster);
        options.GroupRemoteAssignor = "sticky";
        await using var consumer = new Consumer(options);
        consumer.Subscribe(["t"]);

        var error = await Assert.ThrowsAsync<BrokerException>(() => ConsumeUntilAsync(consumer, null, _ => false));
        Assert.Equal(ErrorCode.UnsupportedAssignor, error.Code);
        Assert.Contains("UNSUPPORTED_ASSIGNOR", error.Message, StringComparison.Ordinal);
        Assert.Contains("'sticky'", error.Message, StringComparison.Ordinal); // the coordinator's own words
        Assert.Contains("group 'g'", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<BrokerException>(() => consumer.ConsumeAsync(TimeSpan.Zero).AsTask());
        Assert.Throws<InvalidOperationException>(() => consumer.Subscribe(["t"]));

        await consumer.UnsubscribeAsync();
        Assert.Null(await consumer.ConsumeAsync(TimeSpan.Zero));
        Assert.DoesNotContain(Heartbeats(cluster), h => IsLeave(h.Body)); // never joined: nothing to leave
    }

    [Fact]
    public async Task A_broker_without_the_group_apis_is_a_fatal_error_that_says_so()
    {
        await using var cluster = await ClusterAsync(partitions: 1, perPartition: 1);
        cluster.ServesGroupApis = false;
        await using var consumer = new Consumer(Options(cluster));
        consumer.Subscribe(["t"]);

        var error = await Assert.ThrowsAsync<BrokerException>(() => ConsumeUntilAsync(consumer, null, _ => false));

        Assert.Equal(ErrorCode.UnsupportedVersion, error.Code);
        Assert.Contains("FindCoordinator", error.Message, StringComparison.Ordinal);
        Assert.Contains("Upgrade the broker", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribe_needs_a_group_id_and_excludes_assign()
    {
        await using var cluster = new FakeCluster();
        await using (var plain = new Consumer(TestOptions.Consumer(cluster)))
        {
            var missing = Assert.Throws<InvalidOperationException>(() => plain.Subscribe(["t"]));
            Assert.Contains("GroupId", missing.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<InvalidOperationException>(() => plain.CommitAsync());
        }

        await using var consumer = new Consumer(Options(cluster));
        consumer.Assign([T0]);
        Assert.Contains("exclusive", Assert.Throws<InvalidOperationException>(() => consumer.Subscribe(["t"])).Message, StringComparison.Ordinal);
        consumer.Unassign();
        consumer.Subscribe(["t"]);
        Assert.Contains("exclusive", Assert.Throws<InvalidOperationException>(() => consumer.Assign([T0])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => consumer.Subscribe([]));
        Assert.Throws<BrokerException>(() => consumer.Subscribe(["bad topic"]));
        Assert.Equal(["t"], consumer.Subscription);
    }

    [Fact]
    public void Group_options_are_validated_with_the_setting_named()
    {
        Assert.Contains("GroupId", Assert.Throws<ArgumentException>(() => new ConsumerOptions { GroupId = " " }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("GroupInstanceId", Assert.Throws<ArgumentException>(() => new ConsumerOptions { GroupInstanceId = "i" }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("AutoCommitInterval", Assert.Throws<ArgumentException>(() => new ConsumerOptions { GroupId = "g", AutoCommitInterval = TimeSpan.Zero }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("MaxPollInterval", Assert.Throws<ArgumentException>(() => new ConsumerOptions { MaxPollInterval = TimeSpan.FromDays(30) }.Validate()).Message, StringComparison.Ordinal);
        var defaults = new ConsumerOptions();
        Assert.Equal((null, null, true), (defaults.GroupId, defaults.GroupInstanceId, defaults.EnableAutoCommit));
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), (string?)null), (defaults.AutoCommitInterval, defaults.MaxPollInterval, defaults.GroupRemoteAssignor));
    }
}
