using System.IO.Pipelines;
using System.Runtime.InteropServices;
using Broker.Controller;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages.InitProducerId;
using Broker.Protocol.Messages.Produce;
using Broker.Server.Hosting;
using Broker.Server.Network;
using Broker.Server.Replication;

namespace Broker.Server.Handlers;

/// <summary>
/// Produce: appends each partition's record batches through the <see cref="ReplicaManager"/> and answers per
/// partition. The batches are appended from the request frame's own bytes (offsets are assigned in place), so the
/// broker copies a produced record once: from the network buffer to the page cache. Appends to different partitions
/// of one request proceed together, so under flush=always they share group-committed fsyncs.
/// acks=0 requests get no response, as in Kafka; when one fails for any partition the connection is closed instead
/// (<see cref="ConnectionCloseException"/>), the only way to tell the producer. A retry of an idempotent producer's
/// batches already in the log is answered like the original append (no error, the original base offset): the log
/// stores them once.
/// InitProducerId: a new producer id for an idempotent producer, from this broker's block of ids.
/// </summary>
internal sealed class ProduceHandler
{
    private readonly BrokerRuntime _runtime;

    public ProduceHandler(BrokerRuntime runtime) => _runtime = runtime;

    public async ValueTask HandleAsync(RequestFrame frame, PipeWriter output, CancellationToken cancellationToken)
    {
        var request = frame.ReadBody<ProduceRequest>();
        var acks = (short)request.Acks;
        var validAcks = acks is 0 or 1 or -1;
        var replicas = _runtime.Replicas;
        var pending = new List<(ProduceRequestTopic Topic, ValueTask<AppendOutcome> Append)>();
        foreach (var topic in request.Topics)
        {
            foreach (var partition in topic.Partitions)
            {
                var append = !validAcks
                    ? ValueTask.FromResult(AppendOutcome.Failed(ErrorCode.InvalidRequiredAcks, $"acks must be 0, 1 or -1 (all), not {acks}."))
                    : ControllerLimits.IsInternal(topic.Name)
                    ? ValueTask.FromResult(AppendOutcome.Failed(ErrorCode.InvalidTopic, $"'{topic.Name}' is an internal topic: only the broker writes to it."))
                    : replicas.AppendAsync(new TopicPartition(topic.Name, partition.PartitionIndex), MemoryMarshal.AsMemory(partition.Records), acks, cancellationToken);
                pending.Add((topic, append));
            }
        }

        await FlushIfAnyWaitsAsync(pending, output, cancellationToken);
        var topics = new List<ProduceResponseTopic>(request.Topics.Count);
        string? firstFailure = null;
        var firstError = ErrorCode.None;
        var index = 0;
        foreach (var topic in request.Topics)
        {
            var partitions = new ProduceResponsePartition[topic.Partitions.Count];
            long bytes = 0;
            for (var i = 0; i < partitions.Length; i++, index++)
            {
                var outcome = await pending[index].Append;
                var requested = topic.Partitions[i];
                partitions[i] = new ProduceResponsePartition
                {
                    PartitionIndex = requested.PartitionIndex,
                    ErrorCode = outcome.Error,
                    ErrorMessage = outcome.Message,
                    BaseOffset = outcome.BaseOffset,
                    LogAppendTimeMs = outcome.LogAppendTimeMs,
                    LogStartOffset = outcome.LogStartOffset,
                };
                if (outcome.Error == ErrorCode.None)
                {
                    bytes += requested.Records.Length;
                }
                else
                {
                    _runtime.Metrics.RequestError("Produce", ErrorCodes.Name(outcome.Error));
                    if (!request.ExpectsResponse && firstError == ErrorCode.None)
                    {
                        firstError = outcome.Error;
                        firstFailure = $"{topic.Name}-{requested.PartitionIndex}: {ErrorCodes.Name(outcome.Error)}: {outcome.Message}";
                    }
                }
            }

            _runtime.Metrics.BytesIn(topic.Name, bytes);
            topics.Add(new ProduceResponseTopic { Name = topic.Name, Partitions = partitions });
        }

        if (request.ExpectsResponse)
        {
            FrameWriter.WriteResponse(output, frame.Header.CorrelationId, frame.Header.ApiVersion, new ProduceResponse { Topics = topics });
        }
        else if (firstError != ErrorCode.None)
        {
            // Kafka closes on any partition's error: the producer cannot tell which of its records were lost.
            throw new ConnectionCloseException(firstError, $"A Produce with acks=0 failed ({firstFailure}).");
        }
    }

    /// <summary>An append waits (for the fsync under flush=always, or for a busy log): the responses of the requests
    /// before this one go out first, as for every request that waits (see RequestDispatcher).</summary>
    private static async ValueTask FlushIfAnyWaitsAsync(List<(ProduceRequestTopic Topic, ValueTask<AppendOutcome> Append)> pending, PipeWriter output, CancellationToken cancellationToken)
    {
        foreach (var (_, append) in pending)
        {
            if (!append.IsCompleted)
            {
                await output.FlushAsync(cancellationToken);
                return;
            }
        }
    }

    /// <summary>
    /// InitProducerId: a fresh id at epoch 0 for an idempotent producer, new or one whose epoch ran out (Kafka gives a
    /// non-transactional producer a new id either way). A transactional id is refused with INVALID_REQUEST
    /// (transactions are not supported), and so is an id without an epoch or an epoch without an id.
    /// </summary>
    public async ValueTask HandleInitProducerIdAsync(RequestFrame frame, PipeWriter output, CancellationToken cancellationToken)
    {
        var request = frame.ReadBody<InitProducerIdRequest>();
        InitProducerIdResponse response;
        if (request.TransactionalId is not null)
        {
            response = new InitProducerIdResponse { ErrorCode = ErrorCode.InvalidRequest };
        }
        else if ((request.ProducerId == ProtocolSentinels.NoProducerId) != (request.ProducerEpoch == ProtocolSentinels.NoProducerEpoch)
                 || request.ProducerId < ProtocolSentinels.NoProducerId || request.ProducerEpoch < ProtocolSentinels.NoProducerEpoch)
        {
            response = new InitProducerIdResponse { ErrorCode = ErrorCode.InvalidRequest };
        }
        else
        {
            try
            {
                response = new InitProducerIdResponse { ProducerId = await _runtime.ProducerIds.NextAsync(cancellationToken), ProducerEpoch = 0 };
            }
            catch (BrokerException e)
            {
                response = new InitProducerIdResponse { ErrorCode = e.Code };
            }
        }

        if (response.ErrorCode != ErrorCode.None)
        {
            _runtime.Metrics.RequestError("InitProducerId", ErrorCodes.Name(response.ErrorCode));
        }

        FrameWriter.WriteResponse(output, frame.Header.CorrelationId, frame.Header.ApiVersion, response);
    }
}
