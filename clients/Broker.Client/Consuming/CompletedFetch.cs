using Broker.Client.Network;
using Broker.Core;
using Broker.Core.Errors;

namespace Broker.Client.Consuming;

/// <summary>
/// One partition's records from a fetch response, waiting for the application: whole batches only (a partial batch
/// at the end of a response is cut off when it arrives), or an error to raise. <see cref="Cursor"/> is the byte
/// offset of the next batch to hand out.
/// </summary>
internal sealed class CompletedFetch(TopicPartition partition, int epoch, BrokerEndpoint node, SharedFrame? frame, ReadOnlyMemory<byte> records, BrokerException? error)
{
    public TopicPartition Partition { get; } = partition;

    public int Epoch { get; } = epoch;

    public BrokerEndpoint Node { get; } = node;

    public ReadOnlyMemory<byte> Records { get; } = records;

    public BrokerException? Error { get; } = error;

    public int Cursor { get; set; }

    /// <summary>Where the batch last decoded for ConsumeAsync began, to rewind to when the batch path takes over.</summary>
    public int LastBatchStart { get; set; }

    public bool HasMoreBatches => Cursor < Records.Length;

    public void Release() => frame?.Release();
}
