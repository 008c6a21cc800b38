using Broker.Core.Buffers;
using Broker.Protocol.Messages.Produce;

namespace Broker.Client.Producing;

/// <summary>
/// Turns drained partitions into one Produce request. A partition with one batch is sent straight from its
/// builder's buffer; several batches of one partition must be one contiguous record set on the wire, so they are
/// copied once into a pooled buffer, released with <see cref="Dispose"/> after the response.
/// </summary>
internal sealed class ProduceRequestBuilder : IDisposable
{
    private readonly List<PooledBufferWriter> _joined = [];

    public ProduceRequest Build(IReadOnlyList<DrainedPartition> partitions, ProduceAcks acks, TimeSpan timeout)
    {
        var topics = new List<ProduceRequestTopic>();
        foreach (var group in partitions.GroupBy(p => p.Queue.Partition.Topic, StringComparer.Ordinal))
        {
            var entries = group.Select(p => new ProduceRequestPartition { PartitionIndex = p.Queue.Partition.Partition, Records = RecordsOf(p) });
            topics.Add(new ProduceRequestTopic { Name = group.Key, Partitions = [.. entries] });
        }

        return new ProduceRequest { Acks = acks, TimeoutMs = (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds), Topics = topics };
    }

    public void Dispose()
    {
        foreach (var buffer in _joined)
        {
            buffer.Dispose();
        }

        _joined.Clear();
    }

    private ReadOnlyMemory<byte> RecordsOf(DrainedPartition partition)
    {
        if (partition.Batches.Length == 1)
        {
            return partition.Batches[0].Bytes;
        }

        var joined = new PooledBufferWriter(partition.Bytes);
        foreach (var batch in partition.Batches)
        {
            joined.Write(batch.Bytes.Span);
        }

        _joined.Add(joined);
        return joined.WrittenMemory;
    }
}
