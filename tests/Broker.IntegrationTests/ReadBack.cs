using System.Text;
using Broker.Client;
using Broker.Core;

namespace Broker.IntegrationTests;

/// <summary>Reads every partition of a topic from the beginning to its high watermark with the real consumer.</summary>
public static class ReadBack
{
    public static async Task<Dictionary<int, List<(long Offset, string Key, string Value)>>> AllAsync(string bootstrap, string topic, int partitions)
    {
        await using var consumer = new Consumer(new ConsumerOptions { BootstrapServers = bootstrap, AutoOffsetReset = AutoOffsetReset.Earliest });
        var assignment = Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)).ToArray();
        consumer.Assign(assignment);
        consumer.SeekToBeginning(assignment);
        var records = assignment.ToDictionary(tp => tp.Partition, _ => new List<(long, string, string)>());
        var idleRounds = 0;
        while (idleRounds < 3)
        {
            var batch = await consumer.ConsumeBatchAsync(10_000, TimeSpan.FromSeconds(1));
            idleRounds = batch.Count == 0 ? idleRounds + 1 : 0;
            foreach (var record in batch)
            {
                records[record.Partition].Add((record.Offset, Encoding.UTF8.GetString(record.Key!), Encoding.UTF8.GetString(record.Value!)));
            }
        }

        return records;
    }
}
