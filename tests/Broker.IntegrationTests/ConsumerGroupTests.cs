using System.Diagnostics;
using Broker.Client;
using Broker.Client.Admin;
using Broker.Core;
using Broker.Server.Hosting;
using Xunit.Abstractions;

namespace Broker.IntegrationTests;

/// <summary>
/// Consumer groups end to end: the real broker, the real consumer, members joining, leaving and the broker
/// restarting while a producer writes. Asserts the group's promises (every record processed, no partition owned twice,
/// commits never backwards, a restarted group resumes from its commits) and prints how long partitions took to move
/// and how long members that kept theirs paused (bench/RESULTS.md quotes them).
/// </summary>
public sealed class ConsumerGroupTests(ITestOutputHelper output)
{
    private const int Partitions = 12;

    /// <summary>The default heartbeat (300 ms), so the times printed are what users see; a short session for the crash paths.</summary>
    private static readonly string[] GroupSettings =
    [
        "--Groups:HeartbeatIntervalMs=300", "--Groups:SessionTimeoutMs=3000", "--Groups:OffsetsTopicPartitions=5",
    ];

    [Fact]
    public async Task Three_members_share_twelve_partitions_through_joins_and_leaves_and_a_new_member_resumes_from_the_commits()
    {
        using var dataDir = new TempDirectory();
        await using var broker = await StartBrokerAsync(dataDir, GroupSettings);
        var bootstrap = $"127.0.0.1:{broker.ClientEndPoint.Port}";
        await CreateTopicAsync(bootstrap, "clicks");

        await using var run = new GroupHarness(bootstrap, "clicks", "click-counters", Partitions);
        run.StartProducing(recordsPerSecond: 5_000);
        run.StartWatchingCommits();

        var a = run.StartMember("a");
        await run.WaitUntilAsync(() => a.Owned.Count == Partitions, TimeSpan.FromSeconds(30), "the first member owns every partition");
        var b = run.StartMember("b");
        var c = run.StartMember("c");
        await run.WaitUntilAsync(() => a.Owned.Count == 4 && b.Owned.Count == 4 && c.Owned.Count == 4, TimeSpan.FromSeconds(30), "three members own four partitions each");

        // A clean leave: b's partitions go to a and c, whose own partitions must not pause.
        var moved = b.Owned;
        var kept = a.Owned.Concat(c.Owned).ToList();
        await Task.Delay(500);
        var left = Stopwatch.GetTimestamp();
        await b.DisposeAsync();
        await run.WaitUntilAsync(() => moved.All(p => run.LastProcessed(p) > left), TimeSpan.FromSeconds(30), "b's partitions are consumed again");
        var reassignment = moved.Max(p => TimeSpan.FromTicks((run.LastProcessed(p) - left) * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
        var pause = await LongestGapAsync(run, kept, TimeSpan.FromSeconds(1));
        output.WriteLine($"clean leave: partitions consumed again after {reassignment.TotalMilliseconds:F0} ms; longest gap on kept partitions in the next second {pause.TotalMilliseconds:F0} ms");

        // A join: d takes partitions from a and c only as they release them.
        var d = run.StartMember("d");
        await run.WaitUntilAsync(() => d.Owned.Count == 4 && a.Owned.Count == 4 && c.Owned.Count == 4, TimeSpan.FromSeconds(30), "the joiner owns its share");

        await FinishAsync(run, a, c, d);

        // The members committed on close: a new member starts exactly where they stopped.
        await AssertResumesFromCommitsAsync(bootstrap, "clicks", "click-counters");
    }

    [Fact]
    public async Task A_member_killed_with_sigkill_loses_its_partitions_to_the_others_once_its_session_expires()
    {
        using var dataDir = new TempDirectory();
        await using var broker = await StartBrokerAsync(dataDir, GroupSettings);
        var bootstrap = $"127.0.0.1:{broker.ClientEndPoint.Port}";
        await CreateTopicAsync(bootstrap, "orders");

        await using var run = new GroupHarness(bootstrap, "orders", "fulfilment", Partitions);
        run.StartProducing(recordsPerSecond: 2_000);
        run.StartWatchingCommits();
        var a = run.StartMember("a");
        var b = run.StartMember("b");
        await run.WaitUntilAsync(() => a.Owned.Count == Partitions / 2 && b.Owned.Count == Partitions / 2, TimeSpan.FromSeconds(30), "two members own half each");

        using var child = new ConsumerProcess(bootstrap, "orders", "fulfilment", run.ProcessedElsewhere);
        await run.WaitUntilAsync(() => a.Owned.Count == 4 && b.Owned.Count == 4, TimeSpan.FromSeconds(60), "the child process takes its share");
        var childs = Enumerable.Range(0, Partitions).Except(a.Owned).Except(b.Owned).ToList();
        var killed = Stopwatch.GetTimestamp();
        await run.WaitUntilAsync(() => childs.All(p => run.LastProcessed(p) > killed), TimeSpan.FromSeconds(30), "the child consumes its partitions");
        killed = Stopwatch.GetTimestamp();
        child.Kill();

        await run.WaitUntilAsync(() => childs.All(p => run.LastProcessed(p) > killed + (Stopwatch.Frequency / 2)), TimeSpan.FromSeconds(60), "the killed member's partitions are consumed again");
        var moved = childs.Max(p => TimeSpan.FromTicks((run.LastProcessed(p) - killed) * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
        output.WriteLine($"kill -9 of a member (session timeout 3 s): its partitions consumed again after {moved.TotalMilliseconds:F0} ms");
        Assert.Equal(Partitions, a.Owned.Count + b.Owned.Count);

        await FinishAsync(run, a, b);
        await AssertResumesFromCommitsAsync(bootstrap, "orders", "fulfilment");
    }

    [Fact]
    public async Task A_static_member_restarting_within_the_session_gets_its_partitions_back_and_nobody_else_moves()
    {
        using var dataDir = new TempDirectory();
        await using var broker = await StartBrokerAsync(dataDir, "--Groups:HeartbeatIntervalMs=300", "--Groups:SessionTimeoutMs=30000");
        var bootstrap = $"127.0.0.1:{broker.ClientEndPoint.Port}";
        await CreateTopicAsync(bootstrap, "sensors");

        await using var run = new GroupHarness(bootstrap, "sensors", "aggregators", Partitions);
        run.StartProducing(recordsPerSecond: 2_000);
        var a = run.StartMember("a", instanceId: "aggregator-1");
        var b = run.StartMember("b", instanceId: "aggregator-2");
        await run.WaitUntilAsync(() => a.Owned.Count == 6 && b.Owned.Count == 6, TimeSpan.FromSeconds(30), "two static members own six partitions each");
        var aOwned = a.Owned;
        var bOwned = b.Owned;

        await a.DisposeAsync(); // a static member leaves for a restart (epoch -2): its partitions wait for it
        await Task.Delay(1000);
        Assert.Equal(bOwned, b.Owned);

        var restarted = run.StartMember("a-restarted", instanceId: "aggregator-1");
        await run.WaitUntilAsync(() => restarted.Owned.Count == 6, TimeSpan.FromSeconds(30), "the restarted member owns its partitions again");
        Assert.Equal(aOwned, restarted.Owned);
        Assert.Equal(bOwned, b.Owned);

        await FinishAsync(run, restarted, b);
    }

    [Fact]
    public async Task The_group_carries_on_through_a_kill_9_of_the_broker_from_its_offsets_topic()
    {
        using var dataDir = new TempDirectory();
        using var broker = new BrokerProcess(dataDir.Path, GroupSettings);
        broker.Start();
        await CreateTopicAsync(broker.Bootstrap, "payments");

        await using var run = new GroupHarness(broker.Bootstrap, "payments", "settlement", Partitions);
        run.StartProducing(recordsPerSecond: 2_000);
        run.StartWatchingCommits();
        var a = run.StartMember("a");
        var b = run.StartMember("b");
        await run.WaitUntilAsync(() => a.Owned.Count == 6 && b.Owned.Count == 6, TimeSpan.FromSeconds(30), "two members own six partitions each");
        await Task.Delay(1000);

        broker.Kill();
        broker.Start();
        var restarted = Stopwatch.GetTimestamp();

        // The members' sessions outlive the restart; the coordinator reloads them and they keep their partitions.
        await run.WaitUntilAsync(() => Enumerable.Range(0, Partitions).All(p => run.LastProcessed(p) > restarted), TimeSpan.FromSeconds(60), "every partition is consumed after the restart");
        output.WriteLine($"broker kill -9 and restart: every partition consumed again {Stopwatch.GetElapsedTime(restarted).TotalMilliseconds:F0} ms after the broker listened");

        await FinishAsync(run, a, b);
        await AssertResumesFromCommitsAsync(broker.Bootstrap, "payments", "settlement");
    }

    /// <summary>
    /// Stops the producer, waits until every acknowledged record is processed, closes the members (they commit and
    /// leave), and asserts the run broke none of the group's promises.
    /// </summary>
    private static async Task FinishAsync(GroupHarness run, params GroupHarness.Member[] members)
    {
        await run.StopBackgroundAsync();
        await run.WaitUntilAsync(() => run.ProcessedDistinct >= run.Acknowledged, TimeSpan.FromSeconds(60), "every acknowledged record is processed");
        foreach (var member in members)
        {
            await member.DisposeAsync();
        }

        Assert.Empty(run.Violations);
        Assert.Empty(run.UnprocessedRecords());
    }

    private static Task<BrokerHost> StartBrokerAsync(TempDirectory dataDir, params string[] settings) =>
        BrokerHost.StartAsync(["--data-dir", dataDir.Path, "--listen", "127.0.0.1:0", "--http-listen", "", "--Logging:LogLevel:Default=Warning", .. settings]);

    private static async Task CreateTopicAsync(string bootstrap, string topic)
    {
        await using var admin = new AdminClient(new AdminClientOptions { BootstrapServers = bootstrap });
        await admin.CreateTopicsAsync([new TopicSpecification(topic, Partitions)]);
    }

    /// <summary>The longest time, over <paramref name="window"/>, that any of <paramref name="partitions"/> went without a record processed.</summary>
    private static async Task<TimeSpan> LongestGapAsync(GroupHarness run, IReadOnlyList<int> partitions, TimeSpan window)
    {
        var longest = 0L;
        var until = Stopwatch.GetTimestamp() + (long)(window.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            var now = Stopwatch.GetTimestamp();
            longest = Math.Max(longest, partitions.Max(p => now - run.LastProcessed(p)));
            await Task.Delay(5);
        }

        return TimeSpan.FromTicks(longest * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
    }

    /// <summary>Every partition's committed offset is its end, and a new member of the group starts there.</summary>
    private static async Task AssertResumesFromCommitsAsync(string bootstrap, string topic, string group)
    {
        await using var admin = new AdminClient(new AdminClientOptions { BootstrapServers = bootstrap });
        var committed = await admin.ListGroupOffsetsAsync(group);
        var ends = await admin.ListOffsetsAsync(Enumerable.Range(0, Partitions).ToDictionary(p => new TopicPartition(topic, p), _ => OffsetSpec.Latest));
        foreach (var (partition, end) in ends)
        {
            Assert.Equal(end.Offset, committed[partition]?.Offset);
        }

        await using (var producer = new Producer(new ProducerOptions { BootstrapServers = bootstrap }))
        {
            for (var p = 0; p < Partitions; p++)
            {
                await producer.ProduceAsync(topic, new Message(null, "after"u8.ToArray()) { Partition = p });
            }
        }

        await using var consumer = new Consumer(new ConsumerOptions { BootstrapServers = bootstrap, GroupId = group, AutoOffsetReset = AutoOffsetReset.Earliest });
        consumer.Subscribe([topic]);
        var first = new Dictionary<int, long>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (first.Count < Partitions && DateTime.UtcNow < deadline)
        {
            foreach (var record in await consumer.ConsumeBatchAsync(1_000, TimeSpan.FromMilliseconds(200)))
            {
                first.TryAdd(record.Partition, record.Offset);
            }
        }

        Assert.Equal(Partitions, first.Count);
        Assert.All(first, f => Assert.Equal(committed[new TopicPartition(topic, f.Key)]!.Offset, f.Value));
    }
}
