using System.Collections.Concurrent;
using System.Text;
using Broker.Client;
using Broker.Client.Admin;
using Broker.Core.Errors;
using Broker.Protocol.Messages.Produce;

namespace Broker.IntegrationTests;

/// <summary>
/// kill -9 of the real broker process. With the default flush policy an acknowledgement means the bytes were handed
/// to the operating system, so a process crash loses nothing acknowledged: the restarted broker recovers its logs
/// (no clean-shutdown marker) and serves every acknowledged record.
/// </summary>
public sealed class CrashTests
{
    private const int Partitions = 8;

    [Fact]
    public async Task Nothing_acknowledged_is_lost_to_a_kill_9_after_a_flush()
    {
        const int records = 100_000;
        using var dataDir = new TempDirectory();
        using var broker = new BrokerProcess(dataDir.Path);
        broker.Start();
        await CreateTopicAsync(broker.Bootstrap);

        await using (var producer = new Producer(new ProducerOptions { BootstrapServers = broker.Bootstrap, Acks = ProduceAcks.Leader }))
        {
            for (var i = 0; i < records; i++)
            {
                producer.Produce("crash", new Message(Encoding.UTF8.GetBytes($"key-{i}"), Encoding.UTF8.GetBytes($"value-{i}")));
            }

            await producer.FlushAsync();
        }

        broker.Kill();
        broker.Start();

        var readBack = await ReadBack.AllAsync(broker.Bootstrap, "crash", Partitions);
        var keys = readBack.Values.SelectMany(p => p).Select(r => r.Key).ToList();
        Assert.Equal(records, keys.Count);
        Assert.Equal(records, keys.Distinct().Count());
        AssertOrderedPerPartition(readBack);
    }

    [Fact]
    public async Task Records_acknowledged_before_a_kill_9_mid_stream_survive_exactly_once()
    {
        using var dataDir = new TempDirectory();
        using var broker = new BrokerProcess(dataDir.Path);
        broker.Start();
        await CreateTopicAsync(broker.Bootstrap);

        var acknowledged = new ConcurrentDictionary<string, byte>();
        string[] acknowledgedBeforeKill;
        await using (var producer = new Producer(new ProducerOptions { BootstrapServers = broker.Bootstrap, Acks = ProduceAcks.Leader, DeliveryTimeout = TimeSpan.FromSeconds(90) }))
        {
            void Produce(int from, int count)
            {
                for (var i = from; i < from + count; i++)
                {
                    var key = $"key-{i}";
                    producer.Produce("crash", new Message(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"value-{i}")), report =>
                    {
                        if (report.Error == ErrorCode.None)
                        {
                            acknowledged[key] = 0;
                        }
                    });
                }
            }

            Produce(0, 30_000);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (acknowledged.Count < 20_000 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            Produce(30_000, 10_000); // in flight, partly, when the broker dies
            acknowledgedBeforeKill = [.. acknowledged.Keys];
            broker.Kill();
            broker.Start();
            Produce(40_000, 20_000);
            await producer.FlushAsync();
        }

        var readBack = await ReadBack.AllAsync(broker.Bootstrap, "crash", Partitions);
        var counts = readBack.Values.SelectMany(p => p).GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(acknowledgedBeforeKill.Length >= 20_000, $"only {acknowledgedBeforeKill.Length} acknowledged before the kill");
        // Acknowledged before the crash: never resent, so present exactly once.
        Assert.All(acknowledgedBeforeKill, key => Assert.Equal(1, counts.GetValueOrDefault(key)));
        // Acknowledged after the restart: present (a batch in flight at the kill may have been written and then
        // retried, so at least once: exactly-once needs the idempotent producer, not built yet).
        Assert.All(acknowledged.Keys, key => Assert.True(counts.GetValueOrDefault(key) >= 1, $"{key} acknowledged but lost"));
        AssertOrderedPerPartition(readBack, allowRepeats: true);
    }

    private static async Task CreateTopicAsync(string bootstrap)
    {
        await using var admin = new AdminClient(new AdminClientOptions { BootstrapServers = bootstrap });
        await admin.CreateTopicsAsync([new TopicSpecification("crash", Partitions)]);
    }

    /// <summary>Within each partition the keys appear in production order (a retried batch may repeat a run).</summary>
    private static void AssertOrderedPerPartition(Dictionary<int, List<(long Offset, string Key, string Value)>> readBack, bool allowRepeats = false)
    {
        foreach (var (partition, list) in readBack)
        {
            var seen = new HashSet<int>();
            var highest = -1;
            foreach (var record in list)
            {
                var index = int.Parse(record.Key.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal($"value-{index}", record.Value);
                if (seen.Add(index))
                {
                    Assert.True(index > highest, $"partition {partition}: key-{index} after key-{highest}");
                    highest = index;
                }
                else
                {
                    Assert.True(allowRepeats, $"partition {partition}: key-{index} twice");
                }
            }
        }
    }
}
