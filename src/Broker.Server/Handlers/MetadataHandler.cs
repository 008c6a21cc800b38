using System.IO.Pipelines;
using Broker.Controller;
using Broker.Controller.Metadata;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages.ApiVersions;
using Broker.Protocol.Messages.Metadata;
using Broker.Server.Hosting;

namespace Broker.Server.Handlers;

/// <summary>
/// Metadata: brokers, and for each topic asked (all when the list is null) its partitions with leader, replicas
/// and ISR, from one metadata image so the answer is consistent. Topics are not created on a Metadata request:
/// auto-creation hides typos in topic names, so topics are created explicitly (CreateTopics, `brokerctl topic
/// create`). ApiVersions: the versions table.
/// </summary>
internal sealed class MetadataHandler
{
    private readonly BrokerRuntime _runtime;

    public MetadataHandler(BrokerRuntime runtime) => _runtime = runtime;

    public ValueTask HandleMetadata(RequestFrame frame, PipeWriter output)
    {
        var request = frame.ReadBody<MetadataRequest>();
        var image = _runtime.Controller.Image;
        var topics = new List<MetadataResponseTopic>();
        if (request.Topics is null)
        {
            foreach (var topic in image.Topics.Values)
            {
                topics.Add(Describe(topic));
            }
        }
        else
        {
            foreach (var name in request.Topics)
            {
                topics.Add(image.Topics.TryGetValue(name, out var topic)
                    ? Describe(topic)
                    : new MetadataResponseTopic { Name = name, ErrorCode = ErrorCode.UnknownTopicOrPartition });
            }
        }

        var response = new MetadataResponse
        {
            Brokers = [.. image.Brokers.Values.Where(b => !b.Fenced).Select(b => new MetadataResponseBroker { NodeId = b.NodeId, Host = b.Host, Port = b.Port, Rack = b.Rack })],
            ClusterId = _runtime.Logs.ClusterId,
            ControllerId = _runtime.Options.NodeId,
            Topics = topics,
        };
        FrameWriter.WriteResponse(output, frame.Header.CorrelationId, frame.Header.ApiVersion, response);
        return ValueTask.CompletedTask;
    }

    public ValueTask HandleApiVersions(RequestFrame frame, PipeWriter output)
    {
        frame.ReadBody<ApiVersionsRequest>();
        FrameWriter.WriteResponse(output, frame.Header.CorrelationId, frame.Header.ApiVersion, new ApiVersionsResponse { ApiKeys = ApiVersionsTable.Supported });
        return ValueTask.CompletedTask;
    }

    private static MetadataResponseTopic Describe(TopicImage topic) => new()
    {
        Name = topic.Name,
        IsInternal = ControllerLimits.IsInternal(topic.Name),
        Partitions = [.. topic.Partitions.Select(p => new MetadataResponsePartition
        {
            PartitionIndex = p.PartitionIndex,
            ErrorCode = p.Leader == PartitionRegistration.NoLeader ? ErrorCode.LeaderNotAvailable : ErrorCode.None,
            LeaderId = p.Leader,
            LeaderEpoch = p.LeaderEpoch,
            ReplicaNodes = p.Replicas,
            IsrNodes = p.Isr,
        })],
    };
}
