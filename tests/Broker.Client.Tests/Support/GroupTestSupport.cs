using Broker.Core;
using Broker.Protocol;
using Broker.Protocol.Messages.ConsumerGroupHeartbeat;
using Broker.Protocol.Messages.OffsetCommit;
using static Broker.Client.Tests.Support.LogReader;

namespace Broker.Client.Tests.Support;

/// <summary>Set-ups and probes shared by the consumer-group tests.</summary>
internal static class GroupTestSupport
{
    public const string GroupId = "g";

    /// <summary>A group consumer with fast retries; auto-commit on but at an interval no test reaches unless it sets one.</summary>
    public static ConsumerOptions Options(FakeCluster cluster, string? instanceId = null)
    {
        var options = TestOptions.Consumer(cluster);
        options.GroupId = GroupId;
        options.GroupInstanceId = instanceId;
        options.AutoCommitInterval = TimeSpan.FromHours(1);
        options.DefaultApiTimeout = TimeSpan.FromSeconds(10);
        options.CloseTimeout = TimeSpan.FromSeconds(10);
        return options;
    }

    /// <summary>A topic with <paramref name="partitions"/> partitions holding <paramref name="perPartition"/> records each ("p{partition}-{i}").</summary>
    public static async Task<FakeCluster> ClusterAsync(int partitions, int perPartition, int brokers = 1)
    {
        var cluster = new FakeCluster(brokers);
        cluster.CreateTopic("t", partitions);
        await ProduceAsync(cluster, partitions, perPartition);
        return cluster;
    }

    public static async Task ProduceAsync(FakeCluster cluster, int partitions, int perPartition)
    {
        await using var producer = new Producer(TestOptions.Producer(cluster));
        for (var p = 0; p < partitions; p++)
        {
            for (var i = 0; i < perPartition; i++)
            {
                producer.Produce("t", new Message(null, Utf8($"p{p}-{i}")) { Partition = p });
            }
        }

        await producer.FlushAsync().WaitAsync(TestOptions.Wait);
    }

    /// <summary>Consumes, inside the listener's "consume" window, until <paramref name="done"/> holds; returns what came.</summary>
    public static async Task<List<ConsumeResult>> ConsumeUntilAsync(Consumer consumer, RecordingListener? listener, Func<List<ConsumeResult>, bool> done)
    {
        var results = new List<ConsumeResult>();
        var deadline = DateTime.UtcNow + TestOptions.Wait;
        while (!done(results))
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            if (listener is not null)
            {
                listener.InsideConsume = true;
            }

            try
            {
                if (await consumer.ConsumeAsync(TimeSpan.FromMilliseconds(50)) is { } result)
                {
                    results.Add(result);
                }
            }
            finally
            {
                if (listener is not null)
                {
                    listener.InsideConsume = false;
                }
            }
        }

        return results;
    }

    public static IEnumerable<(GroupRequest Request, ConsumerGroupHeartbeatRequest Body)> Heartbeats(FakeCluster cluster) =>
        cluster.Groups.Requests.Where(r => r.Body is ConsumerGroupHeartbeatRequest).Select(r => (r, (ConsumerGroupHeartbeatRequest)r.Body));

    public static IEnumerable<(GroupRequest Request, OffsetCommitRequest Body)> Commits(FakeCluster cluster) =>
        cluster.Groups.Requests.Where(r => r.Body is OffsetCommitRequest).Select(r => (r, (OffsetCommitRequest)r.Body));

    public static long? CommittedIn(OffsetCommitRequest commit, TopicPartition partition) =>
        commit.Topics.Where(t => t.Name == partition.Topic).SelectMany(t => t.Partitions)
            .Where(p => p.PartitionIndex == partition.Partition).Select(p => (long?)p.CommittedOffset).FirstOrDefault();

    public static TopicPartition[] Owned(ConsumerGroupHeartbeatRequest heartbeat) =>
        heartbeat.TopicPartitions is null ? [] : FakeGroupHeartbeat.Flatten(heartbeat.TopicPartitions);

    public static bool IsLeave(ConsumerGroupHeartbeatRequest heartbeat) =>
        heartbeat.MemberEpoch is ProtocolSentinels.LeaveGroupMemberEpoch or ProtocolSentinels.LeaveGroupStaticMemberEpoch;
}
