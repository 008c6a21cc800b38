using System.Buffers;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;
using Broker.Protocol.Messages.AlterConfigs;
using Broker.Protocol.Messages.ApiVersions;
using Broker.Protocol.Messages.CreatePartitions;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.DeleteTopics;
using Broker.Protocol.Messages.DescribeConfigs;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.InitProducerId;
using Broker.Protocol.Messages.ListOffsets;
using Broker.Protocol.Messages.Metadata;
using Broker.Protocol.Messages.Produce;

namespace Broker.Client.Tests.Support;

/// <summary>Answers one request frame from the fake cluster's state, as the real broker would.</summary>
internal sealed class FakeRequestHandler(FakeCluster cluster, FakeBroker broker)
{
    /// <returns>False when the connection must be closed instead of answering.</returns>
    public async Task<bool> AnswerAsync(RequestFrame frame, IBufferWriter<byte> output, CancellationToken cancellationToken)
    {
        var api = frame.Header.ApiKey;
        cluster.CountRequest(api);
        broker.CountRequest(api);
        if (cluster.DropConnectionOn?.Invoke(api) == true)
        {
            return false;
        }

        var id = frame.Header.CorrelationId;
        switch (api)
        {
            case ApiKey.ApiVersions:
                Write(output, id, cluster.ServesGroupApis
                    ? ApiVersionsResponse.FromTable()
                    : new ApiVersionsResponse { ApiKeys = [.. ApiVersionsTable.Supported.Where(r => !FakeGroupCoordinator.IsGroupApi(r.ApiKey))] });
                break;
            case ApiKey.Metadata:
                Write(output, id, Metadata(frame.ReadBody<MetadataRequest>()));
                break;
            case ApiKey.Produce:
                var produce = frame.ReadBody<ProduceRequest>();
                if (cluster.ProduceDelay > TimeSpan.Zero)
                {
                    await Task.Delay(cluster.ProduceDelay, cancellationToken);
                }

                if (cluster.ProduceGate is { } gate)
                {
                    await gate.Task.WaitAsync(cancellationToken);
                }

                var produced = Produce(produce);
                if (cluster.LoseProduceAcknowledgement?.Invoke() == true)
                {
                    return false;
                }

                if (produce.ExpectsResponse)
                {
                    Write(output, id, produced);
                }

                break;
            case ApiKey.InitProducerId:
                var init = frame.ReadBody<InitProducerIdRequest>();
                Write(output, id, init.TransactionalId is null
                    ? new InitProducerIdResponse { ProducerId = cluster.NextProducerId(), ProducerEpoch = 0 }
                    : new InitProducerIdResponse { ErrorCode = ErrorCode.InvalidRequest });
                break;
            case ApiKey.Fetch:
                Write(output, id, await FetchAsync(frame.ReadBody<FetchRequest>(), cancellationToken));
                break;
            case ApiKey.ListOffsets:
                Write(output, id, ListOffsets(frame.ReadBody<ListOffsetsRequest>()));
                break;
            case var _ when FakeGroupCoordinator.IsGroupApi(api):
                cluster.Groups.Answer(frame, broker.NodeId, output);
                break;
            default:
                FakeAdminHandler.Answer(cluster, frame, output);
                break;
        }

        return true;
    }

    /// <summary>A request arrived (it may wait behind earlier ones to be answered).</summary>
    public void Received(ApiKey api)
    {
        if (api == ApiKey.Produce)
        {
            cluster.ProduceReceived();
        }
    }

    /// <summary>A request was answered, or dropped with its connection.</summary>
    public void Answered(ApiKey api)
    {
        if (api == ApiKey.Produce)
        {
            cluster.ProduceAnswered();
        }
    }

    internal static void Write<TResponse>(IBufferWriter<byte> output, int correlationId, TResponse response)
        where TResponse : IResponseMessage<TResponse> => FrameWriter.WriteResponse(output, correlationId, 0, response);

    private MetadataResponse Metadata(MetadataRequest request)
    {
        lock (cluster.Lock)
        {
            var names = request.Topics ?? [.. cluster.Topics.Keys];
            return new MetadataResponse
            {
                Brokers = [.. cluster.Brokers.Select(b => new MetadataResponseBroker { NodeId = b.NodeId, Host = "127.0.0.1", Port = b.Port })],
                ClusterId = "fake-cluster",
                ControllerId = 0,
                Topics = [.. names.Select(DescribeTopic)],
            };
        }
    }

    private MetadataResponseTopic DescribeTopic(string name)
    {
        if (!cluster.Topics.TryGetValue(name, out var partitions))
        {
            return new MetadataResponseTopic { Name = name, ErrorCode = ErrorCode.UnknownTopicOrPartition };
        }

        return new MetadataResponseTopic
        {
            Name = name,
            Partitions = [.. partitions.Select((log, index) => new MetadataResponsePartition
            {
                PartitionIndex = index,
                LeaderId = log.Leader,
                LeaderEpoch = 0,
                ReplicaNodes = log.Replicas is { } replicas ? [.. replicas] : [log.Leader],
                IsrNodes = [log.Leader],
            })],
        };
    }

    private ProduceResponse Produce(ProduceRequest request)
    {
        var topics = request.Topics.Select(topic => new ProduceResponseTopic
        {
            Name = topic.Name,
            Partitions = [.. topic.Partitions.Select(p => ProducePartition(topic.Name, p))],
        });
        var response = new ProduceResponse { Topics = [.. topics] };
        cluster.NotifyAppended();
        return response;
    }

    private ProduceResponsePartition ProducePartition(string topic, ProduceRequestPartition partition)
    {
        var error = LeaderError(topic, partition.PartitionIndex, out var log);
        if (error == ErrorCode.None)
        {
            error = cluster.TakeInjectedProduceError(topic, partition.PartitionIndex);
        }

        if (error != ErrorCode.None)
        {
            return new ProduceResponsePartition { PartitionIndex = partition.PartitionIndex, ErrorCode = error, BaseOffset = -1, LogAppendTimeMs = -1, LogStartOffset = -1 };
        }

        var (baseOffset, appendError) = log!.Append(partition.Records.Span);
        return appendError != ErrorCode.None
            ? new ProduceResponsePartition { PartitionIndex = partition.PartitionIndex, ErrorCode = appendError, BaseOffset = -1, LogAppendTimeMs = -1, LogStartOffset = -1 }
            : new ProduceResponsePartition { PartitionIndex = partition.PartitionIndex, BaseOffset = baseOffset, LogAppendTimeMs = -1, LogStartOffset = log.LogStartOffset };
    }

    private async Task<FetchResponse> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        var appended = cluster.WhenAppended;
        var response = Fetch(request, out var bytes);
        if (bytes == 0 && request.MaxWaitMs > 0)
        {
            try
            {
                await appended.WaitAsync(TimeSpan.FromMilliseconds(request.MaxWaitMs), cancellationToken);
            }
            catch (TimeoutException)
            {
            }

            response = Fetch(request, out _);
        }

        return response;
    }

    private FetchResponse Fetch(FetchRequest request, out int bytes)
    {
        var total = 0;
        var topics = request.Topics.Select(topic => new FetchResponseTopic
        {
            Name = topic.Name,
            Partitions = [.. topic.Partitions.Select(p =>
            {
                var result = FetchPartition(topic.Name, p);
                total += result.Records.Length;
                return result;
            })],
        }).ToList();
        bytes = total;
        return new FetchResponse { Topics = topics };
    }

    private FetchResponsePartition FetchPartition(string topic, FetchRequestPartition partition)
    {
        var error = LeaderError(topic, partition.PartitionIndex, out var log);
        if (error == ErrorCode.None && (partition.FetchOffset < log!.LogStartOffset || partition.FetchOffset > log.HighWatermark))
        {
            error = ErrorCode.OffsetOutOfRange;
        }

        if (error != ErrorCode.None)
        {
            return new FetchResponsePartition { PartitionIndex = partition.PartitionIndex, ErrorCode = error, HighWatermark = -1, LastStableOffset = -1, LogStartOffset = -1 };
        }

        var records = log!.Read(partition.FetchOffset, partition.PartitionMaxBytes);
        if (records.Length > 0 && cluster.FetchTruncateBytes > 0)
        {
            records = records[..Math.Max(0, records.Length - cluster.FetchTruncateBytes)];
        }

        return new FetchResponsePartition
        {
            PartitionIndex = partition.PartitionIndex,
            HighWatermark = log.HighWatermark,
            LastStableOffset = log.HighWatermark,
            LogStartOffset = log.LogStartOffset,
            Records = new RecordSet(records),
        };
    }

    private ListOffsetsResponse ListOffsets(ListOffsetsRequest request) => new()
    {
        Topics = [.. request.Topics.Select(topic => new ListOffsetsResponseTopic
        {
            Name = topic.Name,
            Partitions = [.. topic.Partitions.Select(p =>
            {
                var error = LeaderError(topic.Name, p.PartitionIndex, out var log);
                var offset = error != ErrorCode.None ? -1 : p.Timestamp switch
                {
                    ProtocolSentinels.EarliestTimestamp => log!.LogStartOffset,
                    ProtocolSentinels.LatestTimestamp => log!.HighWatermark,
                    _ => log!.OffsetForTimestamp(p.Timestamp),
                };
                return new ListOffsetsResponsePartition { PartitionIndex = p.PartitionIndex, ErrorCode = error, Offset = offset, Timestamp = -1 };
            })],
        })],
    };

    private ErrorCode LeaderError(string topic, int partition, out FakePartitionLog? log)
    {
        log = null;
        lock (cluster.Lock)
        {
            if (!cluster.Topics.TryGetValue(topic, out var partitions) || partition >= partitions.Count)
            {
                return ErrorCode.UnknownTopicOrPartition;
            }

            log = partitions[partition];
            if (log.Replicas is { } replicas && !replicas.Contains(broker.NodeId))
            {
                log = null;
                return ErrorCode.UnknownTopicOrPartition;
            }

            return log.Leader == broker.NodeId ? ErrorCode.None : ErrorCode.NotLeaderOrFollower;
        }
    }
}
