using System.Collections.Concurrent;
using System.Text;
using Broker.Client;
using Broker.Client.Admin;
using Broker.Core.Errors;
using Broker.Protocol.Messages.Produce;
using Broker.Server.Hosting;

namespace Broker.IntegrationTests;

public sealed class EndToEndTests
{
    [Fact]
    public async Task A_million_keyed_records_over_8_partitions_are_read_back_once_in_order_per_partition()
    {
        const int records = 1_000_000;
        const int partitions = 8;
        using var dataDir = new TempDirectory();
        await using var broker = await BrokerHost.StartAsync(["--data-dir", dataDir.Path, "--listen", "127.0.0.1:0", "--http-listen", "", "--Logging:LogLevel:Default=Warning"]);
        var bootstrap = $"127.0.0.1:{broker.ClientEndPoint.Port}";
        await using (var admin = new AdminClient(new AdminClientOptions { BootstrapServers = bootstrap }))
        {
            await admin.CreateTopicsAsync([new TopicSpecification("orders", partitions)]);
        }

        var partitionOfKey = new int[records];
        var failures = new ConcurrentQueue<string>();
        await using (var producer = new Producer(new ProducerOptions { BootstrapServers = bootstrap, Acks = ProduceAcks.Leader, Linger = TimeSpan.FromMilliseconds(5) }))
        {
            for (var i = 0; i < records; i++)
            {
                var index = i;
                producer.Produce("orders", new Message(Encoding.UTF8.GetBytes($"key-{i}"), Encoding.UTF8.GetBytes($"value-{i}")), report =>
                {
                    if (report.Error != ErrorCode.None)
                    {
                        failures.Enqueue($"{index}: {report.Error}");
                    }

                    partitionOfKey[index] = report.Partition;
                });
            }

            await producer.FlushAsync();
        }

        Assert.Empty(failures);
        var readBack = await ReadBack.AllAsync(bootstrap, "orders", partitions);

        Assert.Equal(records, readBack.Values.Sum(p => p.Count));
        foreach (var (partition, list) in readBack)
        {
            // Offsets dense from 0, and within a partition the keys in the order they were produced.
            Assert.Equal(Enumerable.Range(0, list.Count).Select(o => (long)o), list.Select(r => r.Offset));
            var indices = list.Select(r => int.Parse(r.Key.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.True(indices.Zip(indices.Skip(1)).All(pair => pair.First < pair.Second), $"partition {partition} is out of order");
            Assert.All(list, r => Assert.Equal("value-" + r.Key[4..], r.Value));
            Assert.All(indices, i => Assert.Equal(partition, partitionOfKey[i]));
        }

        Assert.Equal(records, readBack.Values.SelectMany(p => p).Select(r => r.Key).Distinct().Count());
    }

    [Fact]
    public async Task With_flush_always_an_acknowledged_record_is_already_on_disk()
    {
        using var dataDir = new TempDirectory();
        await using var broker = await BrokerHost.StartAsync(["--data-dir", dataDir.Path, "--listen", "127.0.0.1:0", "--http-listen", "", "--Logging:LogLevel:Default=Warning"]);
        var bootstrap = $"127.0.0.1:{broker.ClientEndPoint.Port}";
        await using (var admin = new AdminClient(new AdminClientOptions { BootstrapServers = bootstrap }))
        {
            await admin.CreateTopicsAsync([new TopicSpecification("ledger", 1) { Configs = new Dictionary<string, string?> { ["flush"] = "always" } }]);
        }

        await using var producer = new Producer(new ProducerOptions { BootstrapServers = bootstrap, Acks = ProduceAcks.All, Linger = TimeSpan.Zero });
        var log = broker.Runtime.Logs.GetLog(new Broker.Core.TopicPartition("ledger", 0))!;
        for (var i = 0; i < 50; i++)
        {
            var delivered = await producer.ProduceAsync("ledger", new Message(null, Encoding.UTF8.GetBytes($"entry-{i}")));
            // fsync happened before the acknowledgement: the flushed offset already covers the record.
            Assert.True(log.FlushedOffset > delivered.Offset, $"offset {delivered.Offset} acknowledged with FlushedOffset {log.FlushedOffset}");
        }
    }
}
