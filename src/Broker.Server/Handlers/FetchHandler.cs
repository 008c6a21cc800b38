using System.IO.Pipelines;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.ListOffsets;
using Broker.Server.Hosting;
using Broker.Server.Replication;

namespace Broker.Server.Handlers;

/// <summary>
/// Fetch: reads each partition from its fetch offset up to its byte limit and below the high watermark, within the
/// response's byte limit; if fewer than min_bytes are found it waits (up to max_wait_ms) for an append to any of the
/// partitions and reads again: Kafka's long poll. A partition whose next batch is larger than its share (its
/// partition_max_bytes, or what is left of the response's) is left empty for this round, except the first non-empty
/// one, which always gets that batch whole so a large batch cannot stall a consumer (Kafka's rule, KIP-74). Records
/// are not read here: the response names file ranges that the writer copies out.
/// ListOffsets: earliest, latest and by-timestamp lookups.
/// </summary>
internal sealed class FetchHandler
{
    private readonly BrokerRuntime _runtime;

    public FetchHandler(BrokerRuntime runtime) => _runtime = runtime;

    public async ValueTask HandleAsync(RequestFrame frame, PipeWriter output, CancellationToken cancellationToken)
    {
        var request = frame.ReadBody<FetchRequest>();
        var options = _runtime.Options;
        var responseBytesMax = request.MaxBytes > 0 ? Math.Min(request.MaxBytes, options.FetchResponseBytesMax) : options.FetchResponseBytesMax;
        var waitMs = Math.Clamp(request.MaxWaitMs, 0, options.FetchWaitMsMax);
        var deadline = _runtime.Time.GetTimestamp() + (long)(waitMs * (_runtime.Time.TimestampFrequency / 1000.0));
        List<TopicPartition>? partitions = null;
        var flushed = false;
        while (true)
        {
            var dataArrival = waitMs > 0 ? _runtime.Replicas.DataArrival(partitions ??= PartitionsOf(request)) : null;
            var (topics, bytes, failed) = ReadAll(request, responseBytesMax);
            var remaining = _runtime.Time.GetElapsedTime(_runtime.Time.GetTimestamp(), deadline);
            if (bytes >= request.MinBytes || failed || remaining <= TimeSpan.Zero || dataArrival is null || cancellationToken.IsCancellationRequested)
            {
                WriteResponse(frame, output, topics);
                return;
            }

            if (!flushed)
            {
                // The responses of the requests before this one go out before it waits (see RequestDispatcher).
                await output.FlushAsync(cancellationToken);
                flushed = true;
            }

            // The arrival task was taken before reading, so an append between the read and the wait still wakes us.
            // WaitAsync's timer goes as soon as data arrives (a Task.Delay raced with WhenAny would live out the whole
            // max wait). The max wait running out, or the connection closing, is no error: no exception is thrown
            // for it, and the loop answers with what there is.
            await dataArrival.WaitAsync(remaining, _runtime.Time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public ValueTask HandleListOffsets(RequestFrame frame, PipeWriter output)
    {
        var request = frame.ReadBody<ListOffsetsRequest>();
        var topics = new List<ListOffsetsResponseTopic>(request.Topics.Count);
        foreach (var topic in request.Topics)
        {
            var partitions = new ListOffsetsResponsePartition[topic.Partitions.Count];
            for (var i = 0; i < partitions.Length; i++)
            {
                var asked = topic.Partitions[i];
                var found = _runtime.Replicas.ListOffset(new TopicPartition(topic.Name, asked.PartitionIndex), asked.Timestamp);
                partitions[i] = new ListOffsetsResponsePartition
                {
                    PartitionIndex = asked.PartitionIndex,
                    ErrorCode = found.Error,
                    Timestamp = found.TimestampMs,
                    Offset = found.Offset,
                    LeaderEpoch = ProtocolSentinels.NoLeaderEpoch,
                };
            }

            topics.Add(new ListOffsetsResponseTopic { Name = topic.Name, Partitions = partitions });
        }

        FrameWriter.WriteResponse(output, frame.Header.CorrelationId, frame.Header.ApiVersion, new ListOffsetsResponse { Topics = topics });
        return ValueTask.CompletedTask;
    }

    private (List<FetchResponseTopic> Topics, long Bytes, bool Failed) ReadAll(FetchRequest request, int responseBytesMax)
    {
        var topics = new List<FetchResponseTopic>(request.Topics.Count);
        long bytes = 0;
        var failed = false;
        foreach (var topic in request.Topics)
        {
            var partitions = new FetchResponsePartition[topic.Partitions.Count];
            for (var i = 0; i < partitions.Length; i++)
            {
                var asked = topic.Partitions[i];
                // Reading only locates whole batches in a segment (no bytes move), so every partition is read for
                // its offsets. A read returns more than its budget only when its first batch alone is larger: those
                // records are kept for the first partition with data and dropped for the others, whichever limit
                // (the partition's or the response's) the batch is over.
                var budget = (int)Math.Clamp(Math.Min(asked.PartitionMaxBytes, responseBytesMax - bytes), 1, int.MaxValue);
                var outcome = _runtime.Replicas.Read(new TopicPartition(topic.Name, asked.PartitionIndex), asked.FetchOffset, budget);
                var records = outcome.Records;
                if (bytes > 0 && records.Length > budget)
                {
                    records = default;
                }

                bytes += records.Length;
                failed |= outcome.Error != ErrorCode.None;
                partitions[i] = new FetchResponsePartition
                {
                    PartitionIndex = asked.PartitionIndex,
                    ErrorCode = outcome.Error,
                    HighWatermark = outcome.HighWatermark,
                    LastStableOffset = outcome.HighWatermark,
                    LogStartOffset = outcome.LogStartOffset,
                    Records = records.IsEmpty ? RecordSet.Empty : new RecordSet(new LogRecordSource(records)),
                };
            }

            topics.Add(new FetchResponseTopic { Name = topic.Name, Partitions = partitions });
        }

        return (topics, bytes, failed);
    }

    private void WriteResponse(RequestFrame frame, PipeWriter output, List<FetchResponseTopic> topics)
    {
        FrameWriter.WriteResponse(output, frame.Header.CorrelationId, frame.Header.ApiVersion, new FetchResponse { Topics = topics });
        foreach (var topic in topics)
        {
            long bytes = 0;
            foreach (var partition in topic.Partitions)
            {
                bytes += partition.Records.Length;
            }

            _runtime.Metrics.BytesOut(topic.Name, bytes);
        }
    }

    private static List<TopicPartition> PartitionsOf(FetchRequest request)
    {
        var partitions = new List<TopicPartition>();
        foreach (var topic in request.Topics)
        {
            foreach (var partition in topic.Partitions)
            {
                partitions.Add(new TopicPartition(topic.Name, partition.PartitionIndex));
            }
        }

        return partitions;
    }
}
