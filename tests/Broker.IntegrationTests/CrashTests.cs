using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Broker.Cli;
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

    /// <summary>brokerctl reading back the 5,000 lines of the brokerctl test as JSON lines.</summary>
    private static readonly string[] ConsumeAll = ["consume", "lines", "--from-beginning", "--max-messages", "5000", "--timeout-ms", "10000", "--output", "json"];

    /// <summary>The read-back test against the executable: a million keyed records over 8 partitions, acknowledged
    /// (acks=1), then kill -9 with no flush of the broker's own, and every record read back once, in order per
    /// partition, with its key and value, from the restarted broker's recovered logs.</summary>
    [Fact]
    public async Task A_million_acknowledged_keyed_records_survive_a_kill_9_once_each_in_order_per_partition()
    {
        const int records = 1_000_000;
        using var dataDir = new TempDirectory();
        using var broker = new BrokerProcess(dataDir.Path);
        broker.Start();
        await CreateTopicAsync(broker.Bootstrap);

        var partitionOfKey = await KeyedRecords.ProduceAsync(broker.Bootstrap, "crash", records);

        broker.Kill();
        broker.Start();

        KeyedRecords.AssertReadBackOnceInOrder(await ReadBack.AllAsync(broker.Bootstrap, "crash", Partitions), partitionOfKey);
    }

    /// <summary>brokerctl against the executable: a topic created, lines produced from standard input, consumed back as
    /// JSON lines, and the same again from the broker restarted after a kill -9.</summary>
    [Fact]
    public async Task Brokerctl_drives_the_broker_executable_and_its_records_survive_a_kill_9()
    {
        const int lines = 5_000;
        using var dataDir = new TempDirectory();
        using var broker = new BrokerProcess(dataDir.Path);
        broker.Start();

        var created = await CtlAsync(broker, "", "topic", "create", "lines", "--partitions", "4");
        Assert.True(created.Exit == 0, created.Error);
        var input = string.Concat(Enumerable.Range(0, lines).Select(i => $"line-{i}\n"));
        var produced = await CtlAsync(broker, input, "produce", "lines", "--key", "one-key", "--acks", "all");
        Assert.True(produced.Exit == 0, produced.Error);

        AssertConsumedInOrder(await CtlAsync(broker, "", ConsumeAll));
        broker.Kill();
        broker.Start();
        AssertConsumedInOrder(await CtlAsync(broker, "", ConsumeAll));

        var described = await CtlAsync(broker, "", "topic", "describe", "lines", "--output", "json");
        Assert.True(described.Exit == 0, described.Error);
        Assert.Equal(4, JsonDocument.Parse(described.Output).RootElement.GetProperty("partitions").GetArrayLength());

        static void AssertConsumedInOrder((int Exit, string Output, string Error) consumed)
        {
            Assert.True(consumed.Exit == 0, consumed.Error);
            var records = consumed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
            Assert.Equal(lines, records.Count);
            // One key: one partition, and the lines in the order they were read from standard input.
            Assert.Single(records.Select(r => r.GetProperty("partition").GetInt32()).Distinct());
            Assert.All(records, r => Assert.Equal("one-key", r.GetProperty("key").GetString()));
            Assert.Equal(Enumerable.Range(0, lines).Select(i => $"line-{i}"), records.Select(r => r.GetProperty("value").GetString()));
            Assert.Equal(Enumerable.Range(0, lines).Select(i => (long)i), records.Select(r => r.GetProperty("offset").GetInt64()));
        }
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
        KeyedRecords.AssertInProductionOrder(readBack);
    }

    private static async Task<(int Exit, string Output, string Error)> CtlAsync(BrokerProcess broker, string stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await BrokerCtl.RunAsync(["--bootstrap", broker.Bootstrap, .. args], new StringReader(stdin), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static async Task CreateTopicAsync(string bootstrap)
    {
        await using var admin = new AdminClient(new AdminClientOptions { BootstrapServers = bootstrap });
        await admin.CreateTopicsAsync([new TopicSpecification("crash", Partitions)]);
    }
}
