using System.Collections.Concurrent;
using System.Text;
using Broker.Client;
using Broker.Core.Errors;
using Broker.Protocol.Messages.Produce;

namespace Broker.IntegrationTests;

/// <summary>
/// The records of the read-back tests: <c>key-i</c> with <c>value-i</c>, produced with acks=1 and keyed
/// partitioning, and the check that each came back once, where its delivery report said, in production order.
/// </summary>
public static class KeyedRecords
{
    /// <summary>Produces records 0 to <paramref name="records"/> - 1 and flushes; returns each record's partition, as its
    /// delivery report gave it. Fails if any delivery failed.</summary>
    public static async Task<int[]> ProduceAsync(string bootstrap, string topic, int records)
    {
        var partitionOfKey = new int[records];
        var failures = new ConcurrentQueue<string>();
        await using (var producer = new Producer(new ProducerOptions { BootstrapServers = bootstrap, Acks = ProduceAcks.Leader, Linger = TimeSpan.FromMilliseconds(5) }))
        {
            for (var i = 0; i < records; i++)
            {
                var index = i;
                producer.Produce(topic, new Message(Encoding.UTF8.GetBytes($"key-{i}"), Encoding.UTF8.GetBytes($"value-{i}")), report =>
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
        return partitionOfKey;
    }

    /// <summary>
    /// Every one of the records is in <paramref name="readBack"/> exactly once, with its own value, in the partition its
    /// delivery report named; offsets are dense from 0, and within a partition the keys are in production order.
    /// </summary>
    public static void AssertReadBackOnceInOrder(Dictionary<int, List<(long Offset, string Key, string Value)>> readBack, int[] partitionOfKey)
    {
        var records = partitionOfKey.Length;
        Assert.Equal(records, readBack.Values.Sum(p => p.Count));
        AssertInProductionOrder(readBack);
        foreach (var (partition, list) in readBack)
        {
            Assert.Equal(Enumerable.Range(0, list.Count).Select(o => (long)o), list.Select(r => r.Offset));
            Assert.All(list, r => Assert.Equal(partition, partitionOfKey[Index(r.Key)]));
        }

        Assert.Equal(records, readBack.Values.SelectMany(p => p).Select(r => r.Key).Distinct().Count());
    }

    /// <summary>Within each partition every record carries its own value and the keys come in production order, each
    /// once.</summary>
    public static void AssertInProductionOrder(Dictionary<int, List<(long Offset, string Key, string Value)>> readBack)
    {
        foreach (var (partition, list) in readBack)
        {
            var indices = list.Select(r => Index(r.Key)).ToArray();
            Assert.True(indices.Zip(indices.Skip(1)).All(pair => pair.First < pair.Second), $"partition {partition} is out of order");
            Assert.All(list, r => Assert.Equal("value-" + r.Key[4..], r.Value));
        }
    }

    /// <summary>i of <c>key-i</c>.</summary>
    private static int Index(string key) => int.Parse(key.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture);
}
