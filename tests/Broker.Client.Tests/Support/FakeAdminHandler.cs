using System.Buffers;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;
using Broker.Protocol.Messages.AlterConfigs;
using Broker.Protocol.Messages.CreatePartitions;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.DeleteTopics;
using Broker.Protocol.Messages.DescribeConfigs;

namespace Broker.Client.Tests.Support;

/// <summary>The fake broker's admin APIs, over the cluster's in-memory topics and configs.</summary>
internal static class FakeAdminHandler
{
    private const int DefaultPartitions = 1;

    public static void Answer(FakeCluster cluster, RequestFrame frame, IBufferWriter<byte> output)
    {
        var id = frame.Header.CorrelationId;
        lock (cluster.Lock)
        {
            switch (frame.Header.ApiKey)
            {
                case ApiKey.CreateTopics:
                    FakeRequestHandler.Write(output, id, CreateTopics(cluster, frame.ReadBody<CreateTopicsRequest>()));
                    break;
                case ApiKey.DeleteTopics:
                    FakeRequestHandler.Write(output, id, DeleteTopics(cluster, frame.ReadBody<DeleteTopicsRequest>()));
                    break;
                case ApiKey.CreatePartitions:
                    FakeRequestHandler.Write(output, id, CreatePartitions(cluster, frame.ReadBody<CreatePartitionsRequest>()));
                    break;
                case ApiKey.DescribeConfigs:
                    FakeRequestHandler.Write(output, id, DescribeConfigs(cluster, frame.ReadBody<DescribeConfigsRequest>()));
                    break;
                case ApiKey.AlterConfigs:
                    FakeRequestHandler.Write(output, id, AlterConfigs(cluster, frame.ReadBody<AlterConfigsRequest>()));
                    break;
                default:
                    FrameWriter.WriteErrorResponse(output, id, ErrorCode.UnsupportedVersion);
                    break;
            }
        }
    }

    private static CreateTopicsResponse CreateTopics(FakeCluster cluster, CreateTopicsRequest request) => new()
    {
        Topics = [.. request.Topics.Select(t =>
        {
            if (cluster.Topics.ContainsKey(t.Name))
            {
                return new CreateTopicsResponseTopic { Name = t.Name, ErrorCode = ErrorCode.TopicAlreadyExists, ErrorMessage = "exists", NumPartitions = -1, ReplicationFactor = -1 };
            }

            var partitions = t.NumPartitions == ProtocolSentinels.DefaultPartitionCount ? DefaultPartitions : t.NumPartitions;
            if (!request.ValidateOnly)
            {
                cluster.Topics[t.Name] = [.. Enumerable.Range(0, partitions).Select(_ => new FakePartitionLog())];
                cluster.Configs[t.Name] = t.Configs.ToDictionary(c => c.Name, c => c.Value);
            }

            return new CreateTopicsResponseTopic { Name = t.Name, NumPartitions = partitions, ReplicationFactor = 1 };
        })],
    };

    private static DeleteTopicsResponse DeleteTopics(FakeCluster cluster, DeleteTopicsRequest request) => new()
    {
        Topics = [.. request.TopicNames.Select(name => cluster.Topics.Remove(name)
            ? new TopicResult(name, ErrorCode.None)
            : new TopicResult(name, ErrorCode.UnknownTopicOrPartition, "no such topic"))],
    };

    private static CreatePartitionsResponse CreatePartitions(FakeCluster cluster, CreatePartitionsRequest request) => new()
    {
        Topics = [.. request.Topics.Select(t =>
        {
            if (!cluster.Topics.TryGetValue(t.Name, out var logs))
            {
                return new TopicResult(t.Name, ErrorCode.UnknownTopicOrPartition);
            }

            if (t.Count < logs.Count)
            {
                return new TopicResult(t.Name, ErrorCode.InvalidPartitions, $"{t.Name} has {logs.Count} partitions");
            }

            while (logs.Count < t.Count)
            {
                logs.Add(new FakePartitionLog());
            }

            return new TopicResult(t.Name, ErrorCode.None);
        })],
    };

    private static DescribeConfigsResponse DescribeConfigs(FakeCluster cluster, DescribeConfigsRequest request) => new()
    {
        Results = [.. request.Resources.Select(r => cluster.Configs.TryGetValue(r.ResourceName, out var configs)
            ? new DescribeConfigsResponseResource
            {
                ResourceName = r.ResourceName,
                Configs = [.. configs.Select(c => new DescribeConfigsResponseConfig { Name = c.Key, Value = c.Value, Source = ConfigSource.DynamicTopicConfig })],
            }
            : new DescribeConfigsResponseResource { ResourceName = r.ResourceName, ErrorCode = ErrorCode.UnknownTopicOrPartition, ErrorMessage = "no such topic" })],
    };

    private static AlterConfigsResponse AlterConfigs(FakeCluster cluster, AlterConfigsRequest request) => new()
    {
        Results = [.. request.Resources.Select(r =>
        {
            if (!cluster.Configs.TryGetValue(r.ResourceName, out var configs))
            {
                return new AlterConfigsResponseResource { ResourceName = r.ResourceName, ResourceType = r.ResourceType, ErrorCode = ErrorCode.UnknownTopicOrPartition };
            }

            foreach (var entry in r.Configs)
            {
                if (entry.Value is null)
                {
                    configs.Remove(entry.Name);
                }
                else
                {
                    configs[entry.Name] = entry.Value;
                }
            }

            return new AlterConfigsResponseResource { ResourceName = r.ResourceName, ResourceType = r.ResourceType };
        })],
    };
}
