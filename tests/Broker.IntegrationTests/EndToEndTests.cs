using System.Text;
using Broker.Client;
using Broker.Client.Admin;
using Broker.Protocol.Messages.Produce;
using Broker.Server.Hosting;

namespace Broker.IntegrationTests;

public sealed class EndToEndTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("k");

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

        var partitionOfKey = await KeyedRecords.ProduceAsync(bootstrap, "orders", records);
        KeyedRecords.AssertReadBackOnceInOrder(await ReadBack.AllAsync(bootstrap, "orders", partitions), partitionOfKey);
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

    /// <summary>
    /// acks=0: a request the broker refuses has no response, so the broker closes the connection (as Kafka does);
    /// the producer reconnects and what it sends afterwards is stored.
    /// </summary>
    [Fact]
    public async Task An_acks_0_producer_goes_on_after_the_broker_closed_its_connection_over_a_refused_request()
    {
        using var dataDir = new TempDirectory();
        await using var broker = await BrokerHost.StartAsync(["--data-dir", dataDir.Path, "--listen", "127.0.0.1:0", "--http-listen", "", "--Logging:LogLevel:Default=Warning"]);
        var bootstrap = $"127.0.0.1:{broker.ClientEndPoint.Port}";
        await using (var admin = new AdminClient(new AdminClientOptions { BootstrapServers = bootstrap }))
        {
            await admin.CreateTopicsAsync([new TopicSpecification("fire-and-forget", 1) { Configs = new Dictionary<string, string?> { ["max.message.bytes"] = "2000" } }]);
        }

        var log = broker.Runtime.Logs.GetLog(new Broker.Core.TopicPartition("fire-and-forget", 0))!;
        await using (var producer = new Producer(new ProducerOptions { BootstrapServers = bootstrap, Acks = ProduceAcks.None, Linger = TimeSpan.Zero }))
        {
            await producer.ProduceAsync("fire-and-forget", new Message(Key, Encoding.UTF8.GetBytes("before")));
            await producer.ProduceAsync("fire-and-forget", new Message(Key, new byte[5000])); // refused: over max.message.bytes

            // With acks=0 a record sent before the producer notices the closed connection is lost, as Kafka warns: probe
            // until one arrives, which shows the producer reconnected.
            var probes = 0;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (log.LogEndOffset < 2 && DateTime.UtcNow < deadline)
            {
                await producer.ProduceAsync("fire-and-forget", new Message(Key, Encoding.UTF8.GetBytes($"probe-{probes++}")));
                await Task.Delay(50);
            }

            Assert.True(log.LogEndOffset >= 2, $"no record arrived after the connection was closed ({probes} sent)");
            for (var i = 0; i < 3; i++)
            {
                await producer.ProduceAsync("fire-and-forget", new Message(Key, Encoding.UTF8.GetBytes($"after-{i}")));
            }

            await producer.FlushAsync();
        }

        // The refused record is not there; everything sent once the producer had reconnected is, in order.
        var values = (await ReadBack.AllAsync(bootstrap, "fire-and-forget", 1))[0].Select(r => r.Value).ToList();
        Assert.Equal("before", values[0]);
        Assert.All(values[1..^3], v => Assert.StartsWith("probe-", v, StringComparison.Ordinal));
        Assert.Equal(["after-0", "after-1", "after-2"], values[^3..]);
    }
}
