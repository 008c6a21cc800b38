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
/// (no clean-shutdown marker) and serves every acknowledged record; with the idempotent producer, exactly once.
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

    /// <summary>
    /// The idempotent producer (the default: acks=all) across a kill -9 mid-stream: batches in flight when the broker
    /// dies may have been written without their acknowledgement; they are retried with their sequence numbers, and the
    /// restarted broker, which rebuilt its producer state from its snapshots and log, stores each once. So every
    /// record is in the log exactly once, in production order per partition.
    /// </summary>
    [Fact]
    public async Task An_idempotent_producer_across_a_kill_9_mid_stream_writes_every_record_exactly_once_in_order()
    {
        using var dataDir = new TempDirectory();
        using var broker = new BrokerProcess(dataDir.Path);
        broker.Start();
        await CreateTopicAsync(broker.Bootstrap);

        var acknowledged = new ConcurrentDictionary<string, byte>();
        string[] acknowledgedBeforeKill;
        await using (var producer = new Producer(new ProducerOptions { BootstrapServers = broker.Bootstrap, DeliveryTimeout = TimeSpan.FromSeconds(90) }))
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
        // Every record was acknowledged (retries carried the ones in flight at the kill), and is in the log once.
        Assert.Equal(60_000, acknowledged.Count);
        Assert.All(acknowledged.Keys, key => Assert.Equal(1, counts.GetValueOrDefault(key)));
        Assert.Equal(60_000, counts.Count);
        AssertOrderedPerPartition(readBack);
    }

    private static async Task CreateTopicAsync(string bootstrap)
    {
        await using var admin = new AdminClient(new AdminClientOptions { BootstrapServers = bootstrap });
        await admin.CreateTopicsAsync([new TopicSpecification("crash", Partitions)]);
    }

    /// <summary>Within each partition the keys appear once each, in production order.</summary>
    private static void AssertOrderedPerPartition(Dictionary<int, List<(long Offset, string Key, string Value)>> readBack)
    {
        foreach (var (partition, list) in readBack)
        {
            var highest = -1;
            foreach (var record in list)
            {
                var index = int.Parse(record.Key.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal($"value-{index}", record.Value);
                Assert.True(index > highest, $"partition {partition}: key-{index} after key-{highest}");
                highest = index;
            }
        }
    }
}
