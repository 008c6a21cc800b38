using Broker.Client.Tests.Support;
using Broker.Core;
using Broker.Protocol;
using static Broker.Client.Tests.Support.GroupTestSupport;

namespace Broker.Client.Tests.Groups;

/// <summary>
/// A subscribed consumer against the fake coordinator: joining, consuming from committed offsets, giving partitions
/// up (commit, callback, prompt release), cooperative handover between two members, and leaving.
/// </summary>
public class ConsumerGroupTests
{
    private static readonly TopicPartition T0 = new("t", 0);
    private static readonly TopicPartition T1 = new("t", 1);

    [Fact]
    public async Task A_join_assigns_partitions_and_consumption_starts_from_the_committed_offset()
    {
        await using var cluster = await ClusterAsync(partitions: 2, perPartition: 10);
        lock (cluster.Lock)
        {
            cluster.Groups.Group(GroupId).Offsets[T0] = (4, null);
        }

        var listener = new RecordingListener();
        await using var consumer = new Consumer(Options(cluster));
        consumer.Subscribe(["t"], listener);

        var results = await ConsumeUntilAsync(consumer, listener, r => r.Count == 16);

        Assert.Equal(Enumerable.Range(4, 6).Select(i => (long)i), results.Where(r => r.Partition == 0).Select(r => r.Offset));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), results.Where(r => r.Partition == 1).Select(r => r.Offset));
        var assigned = Assert.Single(listener.Calls);
        Assert.Equal(("assigned", true), (assigned.Kind, assigned.InsideConsume));
        Assert.Equal([T0, T1], assigned.Partitions);
        Assert.Equal([T0, T1], consumer.Assignment.Order(Broker.Client.Groups.GroupWire.PartitionOrder.Instance));
        Assert.NotNull(consumer.MemberId);

        var join = Heartbeats(cluster).First().Body;
        Assert.Equal(("", 0, 300_000), (join.MemberId, join.MemberEpoch, join.RebalanceTimeoutMs));
        Assert.Equal(["t"], join.SubscribedTopicNames!);
        Assert.Empty(join.TopicPartitions!);
        Assert.Null(join.ServerAssignor);
        Assert.Null(join.InstanceId);
    }

    [Fact]
    public async Task Steady_heartbeats_carry_only_ids_and_epoch_and_report_owned_partitions_once_they_change()
    {
        await using var cluster = await ClusterAsync(partitions: 2, perPartition: 1);
        await using var consumer = new Consumer(Options(cluster));
        consumer.Subscribe(["t"]);
        await ConsumeUntilAsync(consumer, null, r => r.Count == 2);
        await ProducerTests.WaitUntil(() => Heartbeats(cluster).Count() >= 5);

        var heartbeats = Heartbeats(cluster).Select(h => h.Body).ToList();
        var report = heartbeats.First(h => h.MemberEpoch > 0 && h.TopicPartitions is not null);
        Assert.Equal([T0, T1], Owned(report));
        var steady = heartbeats.Last();
        Assert.Equal((consumer.MemberId, ProtocolSentinels.UnchangedRebalanceTimeoutMs), (steady.MemberId, steady.RebalanceTimeoutMs));
        Assert.Null(steady.SubscribedTopicNames);
        Assert.Null(steady.TopicPartitions);
        Assert.Null(steady.InstanceId);
    }

    [Fact]
    public async Task A_revoked_partition_is_committed_before_its_release_and_none_of_its_records_come_after_the_callback()
    {
        await using var cluster = await ClusterAsync(partitions: 2, perPartition: 0);
        await ProduceToAsync(cluster, T1, 200);
        var listener = new RecordingListener();
        IReadOnlyDictionary<TopicPartition, long>? committedAtRevoke = null;
        listener.During = (kind, _) => committedAtRevoke = kind == "revoked" ? cluster.Groups.Committed(GroupId) : committedAtRevoke;
        var options = Options(cluster);
        options.MaxPartitionFetchBytes = 1; // one batch per fetch: records of t-1 stay buffered and in flight
        await using var consumer = new Consumer(options);
        consumer.Subscribe(["t"], listener);
        var before = await ConsumeUntilAsync(consumer, listener, r => r.Count >= 5);

        cluster.Groups.SetTarget(GroupId, consumer.MemberId!, T0);
        before.AddRange(await ConsumeUntilAsync(consumer, listener, _ => listener.Count("revoked") == 1));
        var positionAtRevoke = before.Where(r => r.Partition == 1).Max(r => r.Offset) + 1;
        await ProduceToAsync(cluster, T0, 1);
        var after = await ConsumeUntilAsync(consumer, listener, r => r.Any(x => x.Partition == 0));

        Assert.DoesNotContain(after, r => r.Partition == 1);
        Assert.Equal(("revoked", true), (listener.Calls[^1].Kind, listener.Calls[^1].InsideConsume));
        Assert.Equal([T1], listener.Calls[^1].Partitions);
        Assert.Equal(positionAtRevoke, committedAtRevoke![T1]);
        Assert.Equal([T0], consumer.Assignment);
        await ProducerTests.WaitUntil(() => Heartbeats(cluster).Any(h => h.Body.TopicPartitions is not null && Owned(h.Body).SequenceEqual([T0])));
        var commit = Commits(cluster).Single(c => CommittedIn(c.Body, T1) == positionAtRevoke);
        var release = Heartbeats(cluster).First(h => h.Body.TopicPartitions is not null && Owned(h.Body).SequenceEqual([T0]));
        Assert.True(commit.Request.Sequence < release.Request.Sequence, "the revoked partition is committed before the heartbeat that releases it");
    }

    [Fact]
    public async Task Releasing_a_partition_is_reported_at_once_not_at_the_next_interval()
    {
        await using var cluster = await ClusterAsync(partitions: 2, perPartition: 1);
        var listener = new RecordingListener();
        await using var consumer = new Consumer(Options(cluster));
        consumer.Subscribe(["t"], listener);
        await ConsumeUntilAsync(consumer, listener, r => r.Count == 2);

        lock (cluster.Lock)
        {
            cluster.Groups.HeartbeatIntervalMs = 120_000; // from the next answer on, the member's own schedule is 2 minutes
            cluster.Groups.SetTarget(GroupId, consumer.MemberId!, T0);
        }

        await ConsumeUntilAsync(consumer, listener, _ => listener.Count("revoked") == 1);
        var started = DateTime.UtcNow;
        await ProducerTests.WaitUntil(() => Heartbeats(cluster).Any(h => h.Body.TopicPartitions is not null && Owned(h.Body).SequenceEqual([T0])));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(60), "released long before the 2-minute interval");
        lock (cluster.Lock)
        {
            var member = cluster.Groups.Group(GroupId).Members[consumer.MemberId!];
            Assert.Equal([T0], member.Owned);
        }
    }

    [Fact]
    public async Task Two_members_share_the_partitions_and_a_clean_leave_hands_them_back_quickly()
    {
        await using var cluster = await ClusterAsync(partitions: 4, perPartition: 0);
        var first = new RecordingListener();
        var second = new RecordingListener();
        await using var a = new Consumer(Options(cluster));
        var b = new Consumer(Options(cluster));
        using var stop = new CancellationTokenSource();
        a.Subscribe(["t"], first);
        var loopA = ConsumeLoopAsync(a, stop.Token);
        await ProducerTests.WaitUntil(() => a.Assignment.Count == 4);

        b.Subscribe(["t"], second);
        var loopB = ConsumeLoopAsync(b, stop.Token);
        await ProducerTests.WaitUntil(() => a.Assignment.Count == 2 && b.Assignment.Count == 2);

        Assert.Empty(a.Assignment.Intersect(b.Assignment));
        Assert.Equal(["assigned", "revoked"], first.Calls.Select(c => c.Kind));
        Assert.Equal(b.Assignment.Order(Broker.Client.Groups.GroupWire.PartitionOrder.Instance), second.Calls.Single().Partitions);
        await stop.CancelAsync();
        await Task.WhenAll(loopA, loopB);

        using var resume = new CancellationTokenSource();
        loopA = ConsumeLoopAsync(a, resume.Token);
        var left = DateTime.UtcNow;
        await b.DisposeAsync();
        await ProducerTests.WaitUntil(() => a.Assignment.Count == 4);
        var handover = DateTime.UtcNow - left;
        await resume.CancelAsync();
        await loopA;

        // The coordinator reassigns at once on a leave; the member learns at its next heartbeat (50 ms here).
        Assert.True(handover < TimeSpan.FromSeconds(5), $"reassignment after a clean leave took {handover}");
        Assert.Equal(["revoked"], second.Calls.Skip(1).Select(c => c.Kind));
    }

    [Fact]
    public async Task Unsubscribe_commits_revokes_and_leaves_for_good_and_a_new_subscription_joins_afresh()
    {
        await using var cluster = await ClusterAsync(partitions: 2, perPartition: 2);
        var listener = new RecordingListener();
        await using var consumer = new Consumer(Options(cluster, instanceId: "box-1"));
        consumer.Subscribe(["t"], listener);
        await ConsumeUntilAsync(consumer, listener, r => r.Count == 4);
        var memberId = consumer.MemberId;

        await consumer.UnsubscribeAsync();

        Assert.Empty(consumer.Assignment);
        Assert.Empty(consumer.Subscription);
        Assert.Null(consumer.MemberId);
        Assert.Equal(["assigned", "revoked"], listener.Calls.Select(c => c.Kind));
        var leave = Heartbeats(cluster).Last().Body;
        Assert.Equal((memberId, ProtocolSentinels.LeaveGroupMemberEpoch), (leave.MemberId, leave.MemberEpoch)); // for good, even when static
        Assert.Equal((2L, 2L), (cluster.Groups.Committed(GroupId)[T0], cluster.Groups.Committed(GroupId)[T1]));

        consumer.Subscribe(["t"], listener);
        await ConsumeUntilAsync(consumer, listener, _ => listener.Count("assigned") == 2);
        Assert.Equal("", Heartbeats(cluster).Where(h => h.Body.MemberEpoch == 0).Last().Body.MemberId);
    }

    [Fact]
    public async Task A_listener_exception_surfaces_from_the_consume_call_once_the_change_is_done()
    {
        await using var cluster = await ClusterAsync(partitions: 2, perPartition: 1);
        await using var consumer = new Consumer(Options(cluster));
        consumer.Subscribe(["t"], new ThrowingListener());

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ConsumeUntilAsync(consumer, null, _ => false));

        Assert.Equal("assigned t-0,t-1", error.Message);
        Assert.Equal(2, consumer.Assignment.Count); // the partitions were taken all the same
        Assert.Equal(2, (await ConsumeUntilAsync(consumer, null, r => r.Count == 2)).Count);
    }

    private static async Task ConsumeLoopAsync(Consumer consumer, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await consumer.ConsumeAsync(TimeSpan.FromMilliseconds(20), CancellationToken.None);
        }
    }

    private static async Task ProduceToAsync(FakeCluster cluster, TopicPartition partition, int count)
    {
        await using var producer = new Producer(TestOptions.Producer(cluster));
        for (var i = 0; i < count; i++)
        {
            producer.Produce(partition.Topic, new Message(null, LogReader.Utf8($"{partition}-{i}")) { Partition = partition.Partition });
        }

        await producer.FlushAsync().WaitAsync(TestOptions.Wait);
    }

    private sealed class ThrowingListener : IConsumerRebalanceListener
    {
        public ValueTask OnPartitionsAssignedAsync(IReadOnlyList<TopicPartition> partitions) =>
            throw new InvalidDataException("assigned " + string.Join(",", partitions));

        public ValueTask OnPartitionsRevokedAsync(IReadOnlyList<TopicPartition> partitions) => ValueTask.CompletedTask;
    }
}
