using System.Text;
using Broker.Client;
using Broker.Client.Admin;
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
}
