using Broker.Core.Compression;
using Broker.Core.Records;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.Produce;

namespace Broker.Server.Tests.Support;

/// <summary>Small builders for the requests the server tests send.</summary>
public static class Requests
{
    public static CreateTopicsRequest CreateTopic(string name, int partitions, params (string Key, string Value)[] configs) => new()
    {
        Topics = [new CreateTopicsRequestTopic { Name = name, NumPartitions = partitions, ReplicationFactor = 1, Configs = [.. configs.Select(c => new Broker.Protocol.Messages.ConfigEntry(c.Key, c.Value))] }],
    };

    /// <summary>A batch of <paramref name="count"/> records "key-i" = "value-i" (values padded to valueBytes).</summary>
    public static byte[] Batch(int count, int first = 0, int valueBytes = 0, CompressionType compression = CompressionType.None)
    {
        using var builder = new RecordBatchBuilder(compression);
        for (var i = first; i < first + count; i++)
        {
            var value = System.Text.Encoding.UTF8.GetBytes($"value-{i}".PadRight(valueBytes, '.'));
            builder.Append(1_700_000_000_000 + i, System.Text.Encoding.UTF8.GetBytes($"key-{i}"), value);
        }

        return builder.Seal().ToArray();
    }

    public static ProduceRequest Produce(string topic, int partition, byte[] records, ProduceAcks acks = ProduceAcks.Leader) => new()
    {
        Acks = acks,
        TimeoutMs = 30_000,
        Topics = [new ProduceRequestTopic { Name = topic, Partitions = [new ProduceRequestPartition { PartitionIndex = partition, Records = records }] }],
    };

    /// <summary>One Produce request for several partitions: a topic's partitions go together, topics in the order given.</summary>
    public static ProduceRequest Produce(ProduceAcks acks, params (string Topic, int Partition, byte[] Records)[] partitions) => new()
    {
        Acks = acks,
        TimeoutMs = 30_000,
        Topics = [.. partitions.GroupBy(p => p.Topic, StringComparer.Ordinal).Select(topic => new ProduceRequestTopic
        {
            Name = topic.Key,
            Partitions = [.. topic.Select(p => new ProduceRequestPartition { PartitionIndex = p.Partition, Records = p.Records })],
        })],
    };

    public static FetchRequest Fetch(string topic, int partition, long offset, int maxWaitMs = 0, int minBytes = 0, int partitionMaxBytes = 1 << 20) => new()
    {
        MaxWaitMs = maxWaitMs,
        MinBytes = minBytes,
        MaxBytes = 50 << 20,
        Topics = [new FetchRequestTopic { Name = topic, Partitions = [new FetchRequestPartition { PartitionIndex = partition, FetchOffset = offset, PartitionMaxBytes = partitionMaxBytes, CurrentLeaderEpoch = -1 }] }],
    };

    /// <summary>One Fetch for several partitions of a topic, all from their offsets, answered at once (no wait).</summary>
    public static FetchRequest FetchPartitions(string topic, int maxBytes, int partitionMaxBytes, params (int Partition, long Offset)[] partitions) => new()
    {
        MaxBytes = maxBytes,
        Topics = [new FetchRequestTopic
        {
            Name = topic,
            Partitions = [.. partitions.Select(p => new FetchRequestPartition { PartitionIndex = p.Partition, FetchOffset = p.Offset, PartitionMaxBytes = partitionMaxBytes, CurrentLeaderEpoch = -1 })],
        }],
    };

    /// <summary>Decodes the records of a fetch partition as (offset, key, value) strings.</summary>
    public static List<(long Offset, string Key, string Value)> Records(FetchResponsePartition partition)
    {
        var bytes = partition.Records.Memory.ToArray();
        var records = new List<(long, string, string)>();
        using var reader = new RecordBatchReader();
        foreach (var batch in new RecordBatchEnumerator(bytes))
        {
            foreach (var record in reader.Read(batch))
            {
                records.Add((record.Offset, System.Text.Encoding.UTF8.GetString(record.Key), System.Text.Encoding.UTF8.GetString(record.Value).TrimEnd('.')));
            }
        }

        return records;
    }
}
