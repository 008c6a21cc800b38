using Broker.Core.Errors;
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

namespace Broker.Protocol.Tests.Support;

/// <summary>
/// One instance of every message with every field away from its default, so a field that Read drops or Write
/// forgets changes the bytes of a round trip. Strings include non-ASCII text to exercise UTF-8 lengths.
/// </summary>
internal static class SampleMessages
{
    public static byte[] Records(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static ProduceRequest Produce(int partitions = 2, int recordBytes = 40) => new()
    {
        Acks = ProduceAcks.Leader,
        TimeoutMs = 30_000,
        Topics =
        [
            new ProduceRequestTopic
            {
                Name = "orders",
                Partitions = [.. Enumerable.Range(0, partitions).Select(p => new ProduceRequestPartition
                {
                    PartitionIndex = p,
                    Records = Records(recordBytes, p),
                })],
            },
            new ProduceRequestTopic { Name = "événements", Partitions = [new() { PartitionIndex = 7, Records = Records(3, 99) }] },
        ],
    };

    public static ProduceResponse ProduceResult() => new()
    {
        ThrottleTimeMs = 5,
        Topics =
        [
            new ProduceResponseTopic
            {
                Name = "orders",
                Partitions =
                [
                    new() { PartitionIndex = 0, BaseOffset = 1_000_000_000_000, LogAppendTimeMs = 1_700_000_000_000, LogStartOffset = 12 },
                    new()
                    {
                        PartitionIndex = 1,
                        ErrorCode = ErrorCode.NotLeaderOrFollower,
                        BaseOffset = -1,
                        LogAppendTimeMs = -1,
                        LogStartOffset = -1,
                        ErrorMessage = "leader moved to 3",
                    },
                ],
            },
        ],
    };

    public static FetchRequest Fetch() => new()
    {
        ReplicaId = 2,
        MaxWaitMs = 500,
        MinBytes = 1,
        MaxBytes = 52_428_800,
        IsolationLevel = IsolationLevel.ReadCommitted,
        Topics =
        [
            new FetchRequestTopic
            {
                Name = "orders",
                Partitions =
                [
                    new() { PartitionIndex = 0, CurrentLeaderEpoch = 4, FetchOffset = 77, LogStartOffset = 3, PartitionMaxBytes = 1_048_576 },
                    new() { PartitionIndex = 5, CurrentLeaderEpoch = -1, FetchOffset = 1L << 40, LogStartOffset = -1, PartitionMaxBytes = 65_536 },
                ],
            },
        ],
    };

    public static FetchResponse FetchResult(RecordSet first, RecordSet second) => new()
    {
        ThrottleTimeMs = 9,
        Topics =
        [
            new FetchResponseTopic
            {
                Name = "orders",
                Partitions =
                [
                    new() { PartitionIndex = 0, HighWatermark = 120, LastStableOffset = 118, LogStartOffset = 3, Records = first },
                    new()
                    {
                        PartitionIndex = 5,
                        ErrorCode = ErrorCode.OffsetOutOfRange,
                        HighWatermark = 10,
                        LastStableOffset = 10,
                        LogStartOffset = 4,
                        Records = second,
                    },
                ],
            },
        ],
    };

    public static FetchResponse FetchResult() => FetchResult(new RecordSet(Records(64, 1)), new RecordSet(Records(5, 2)));

    public static ListOffsetsRequest ListOffsets() => new()
    {
        ReplicaId = 1,
        IsolationLevel = IsolationLevel.ReadCommitted,
        Topics =
        [
            new ListOffsetsRequestTopic
            {
                Name = "orders",
                Partitions =
                [
                    new() { PartitionIndex = 0, CurrentLeaderEpoch = 3, Timestamp = ProtocolSentinels.EarliestTimestamp },
                    new() { PartitionIndex = 1, CurrentLeaderEpoch = 3, Timestamp = ProtocolSentinels.LatestTimestamp },
                    new() { PartitionIndex = 2, CurrentLeaderEpoch = 3, Timestamp = 1_700_000_000_123 },
                ],
            },
        ],
    };

    public static ListOffsetsResponse ListOffsetsResult() => new()
    {
        ThrottleTimeMs = 1,
        Topics =
        [
            new ListOffsetsResponseTopic
            {
                Name = "orders",
                Partitions =
                [
                    new() { PartitionIndex = 0, Timestamp = -1, Offset = 0, LeaderEpoch = 3 },
                    new() { PartitionIndex = 2, ErrorCode = ErrorCode.FencedLeaderEpoch, Timestamp = 1_700_000_000_200, Offset = 41, LeaderEpoch = 2 },
                ],
            },
        ],
    };

    public static MetadataRequest Metadata() => new() { Topics = ["orders", "payments"], AllowAutoTopicCreation = true };

    public static MetadataResponse MetadataResult() => new()
    {
        ThrottleTimeMs = 2,
        Brokers =
        [
            new MetadataResponseBroker { NodeId = 1, Host = "broker-1.internal", Port = 9192, Rack = "eu-west-1a" },
            new MetadataResponseBroker { NodeId = 2, Host = "10.0.0.2", Port = 9193 },
        ],
        ClusterId = "Jz3Hq1kKRb6Gq0lqJm0aXw",
        ControllerId = 1,
        Topics =
        [
            new MetadataResponseTopic
            {
                Name = "orders",
                Partitions =
                [
                    new MetadataResponsePartition
                    {
                        PartitionIndex = 0,
                        LeaderId = 1,
                        LeaderEpoch = 7,
                        ReplicaNodes = [1, 2, 3],
                        IsrNodes = [1, 2],
                        OfflineReplicas = [3],
                    },
                ],
            },
            new MetadataResponseTopic { ErrorCode = ErrorCode.UnknownTopicOrPartition, Name = "payments", IsInternal = true },
        ],
    };

    public static ApiVersionsRequest ApiVersions() => new() { ClientSoftwareName = "broker-dotnet", ClientSoftwareVersion = "0.1.0" };

    public static ApiVersionsResponse ApiVersionsResult() => new() { ThrottleTimeMs = 3, ApiKeys = ApiVersionsTable.Supported };

    public static CreateTopicsRequest CreateTopics() => new()
    {
        Topics =
        [
            new CreateTopicsRequestTopic
            {
                Name = "orders",
                NumPartitions = 12,
                ReplicationFactor = 3,
                Configs = [new("retention.ms", "604800000"), new("cleanup.policy", null)],
            },
            new CreateTopicsRequestTopic { Name = "defaults" },
        ],
        TimeoutMs = 60_000,
        ValidateOnly = true,
    };

    public static CreateTopicsResponse CreateTopicsResult() => new()
    {
        ThrottleTimeMs = 4,
        Topics =
        [
            new() { Name = "orders", NumPartitions = 12, ReplicationFactor = 3 },
            new() { Name = "bad/name", ErrorCode = ErrorCode.InvalidTopic, ErrorMessage = "'/' is not allowed", NumPartitions = -1, ReplicationFactor = -1 },
        ],
    };

    public static DeleteTopicsRequest DeleteTopics() => new() { TopicNames = ["orders", "old"], TimeoutMs = 15_000 };

    public static DeleteTopicsResponse DeleteTopicsResult() => new()
    {
        ThrottleTimeMs = 6,
        Topics = [new("orders", ErrorCode.None), new("old", ErrorCode.UnknownTopicOrPartition, "no such topic")],
    };

    public static CreatePartitionsRequest CreatePartitions() => new()
    {
        Topics = [new("orders", 24), new("payments", 3)],
        TimeoutMs = 10_000,
        ValidateOnly = true,
    };

    public static CreatePartitionsResponse CreatePartitionsResult() => new()
    {
        ThrottleTimeMs = 7,
        Topics = [new("orders", ErrorCode.None), new("payments", ErrorCode.InvalidPartitions, "3 is fewer than 6")],
    };

    public static DescribeConfigsRequest DescribeConfigs() => new()
    {
        Resources =
        [
            new DescribeConfigsRequestResource { ResourceName = "orders", ConfigurationKeys = ["retention.ms", "segment.bytes"] },
            new DescribeConfigsRequestResource { ResourceType = ConfigResourceType.Broker, ResourceName = "1" },
        ],
    };

    public static DescribeConfigsResponse DescribeConfigsResult() => new()
    {
        ThrottleTimeMs = 8,
        Results =
        [
            new DescribeConfigsResponseResource
            {
                ResourceName = "orders",
                Configs =
                [
                    new() { Name = "retention.ms", Value = "604800000", Source = ConfigSource.DynamicTopicConfig },
                    new() { Name = "segment.bytes", Value = "1073741824", ReadOnly = true, Source = ConfigSource.DefaultConfig },
                    new() { Name = "sasl.password", IsSensitive = true, Source = ConfigSource.StaticBrokerConfig },
                ],
            },
            new DescribeConfigsResponseResource
            {
                ErrorCode = ErrorCode.InvalidRequest,
                ErrorMessage = "broker resources are not served",
                ResourceType = ConfigResourceType.Broker,
                ResourceName = "1",
            },
        ],
    };

    public static AlterConfigsRequest AlterConfigs() => new()
    {
        Resources =
        [
            new AlterConfigsRequestResource
            {
                ResourceName = "orders",
                Configs = [new("retention.ms", "86400000"), new("max.message.bytes", null)],
            },
        ],
        ValidateOnly = true,
    };

    public static AlterConfigsResponse AlterConfigsResult() => new()
    {
        ThrottleTimeMs = 10,
        Results =
        [
            new() { ResourceType = ConfigResourceType.Topic, ResourceName = "orders" },
            new() { ErrorCode = ErrorCode.InvalidConfig, ErrorMessage = "retention.ms must be >= -1", ResourceType = ConfigResourceType.Topic, ResourceName = "x" },
        ],
    };

    public static InitProducerIdRequest InitProducerId() => new()
    {
        TransactionalId = "tx-é",
        TransactionTimeoutMs = 60_000,
        ProducerId = 1_000_000_007,
        ProducerEpoch = 3,
    };

    public static InitProducerIdResponse InitProducerIdResult() => new()
    {
        ErrorCode = ErrorCode.InvalidRequest,
        ThrottleTimeMs = 11,
        ProducerId = 4_000_000_001,
        ProducerEpoch = 2,
    };
}
