using System.Buffers;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;
using Broker.Protocol.Messages.AlterConfigs;
using Broker.Protocol.Messages.ApiVersions;
using Broker.Protocol.Messages.ConsumerGroupHeartbeat;
using Broker.Protocol.Messages.CreatePartitions;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.DeleteGroups;
using Broker.Protocol.Messages.DeleteTopics;
using Broker.Protocol.Messages.DescribeConfigs;
using Broker.Protocol.Messages.DescribeGroups;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.FindCoordinator;
using Broker.Protocol.Messages.InitProducerId;
using Broker.Protocol.Messages.LeaveGroup;
using Broker.Protocol.Messages.ListGroups;
using Broker.Protocol.Messages.ListOffsets;
using Broker.Protocol.Messages.Metadata;
using Broker.Protocol.Messages.OffsetCommit;
using Broker.Protocol.Messages.OffsetFetch;
using Broker.Protocol.Messages.Produce;

namespace Broker.Protocol.Tests.Support;

/// <summary>Encoding helpers and the API-key dispatch a server and a client would each write.</summary>
internal static class Wire
{
    public const string ClientId = "test-client";

    public static byte[] Encode<TMessage>(TMessage message, short version = 0)
        where TMessage : IMessage<TMessage>
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new ProtocolWriter(output);
        message.Write(ref writer, version);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    public static long Measure<TMessage>(TMessage message, short version = 0)
        where TMessage : IMessage<TMessage>
    {
        var writer = ProtocolWriter.Measuring();
        message.Write(ref writer, version);
        return writer.BytesWritten;
    }

    public static byte[] RequestFrame<TRequest>(TRequest request, int correlationId = 42, string? clientId = ClientId)
        where TRequest : IRequestMessage<TRequest>
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteRequest(output, correlationId, clientId, 0, request);
        return output.WrittenSpan.ToArray();
    }

    public static byte[] ResponseFrame<TResponse>(TResponse response, int correlationId = 42)
        where TResponse : IResponseMessage<TResponse>
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteResponse(output, correlationId, 0, response);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>A valid request frame of every API with a codec (<see cref="ApiVersionsTable.Codecs"/>).</summary>
    public static IReadOnlyList<byte[]> EveryRequestFrame() =>
    [
        RequestFrame(SampleMessages.Produce()),
        RequestFrame(SampleMessages.Fetch()),
        RequestFrame(SampleMessages.ListOffsets()),
        RequestFrame(SampleMessages.Metadata()),
        RequestFrame(SampleMessages.ApiVersions()),
        RequestFrame(SampleMessages.CreateTopics()),
        RequestFrame(SampleMessages.DeleteTopics()),
        RequestFrame(SampleMessages.DescribeConfigs()),
        RequestFrame(SampleMessages.AlterConfigs()),
        RequestFrame(SampleMessages.CreatePartitions()),
        RequestFrame(SampleMessages.InitProducerId()),
        RequestFrame(GroupSampleMessages.OffsetCommit()),
        RequestFrame(GroupSampleMessages.OffsetFetch()),
        RequestFrame(GroupSampleMessages.FindCoordinator()),
        RequestFrame(GroupSampleMessages.LeaveGroup()),
        RequestFrame(GroupSampleMessages.DescribeGroups()),
        RequestFrame(GroupSampleMessages.ListGroups()),
        RequestFrame(GroupSampleMessages.DeleteGroups()),
        RequestFrame(GroupSampleMessages.Heartbeat()),
    ];

    /// <summary>A valid response frame of every API with a codec, with the key a client would expect it for.</summary>
    public static IReadOnlyList<(ApiKey ApiKey, byte[] Frame)> EveryResponseFrame() =>
    [
        (ApiKey.Produce, ResponseFrame(SampleMessages.ProduceResult())),
        (ApiKey.Fetch, ResponseFrame(SampleMessages.FetchResult())),
        (ApiKey.ListOffsets, ResponseFrame(SampleMessages.ListOffsetsResult())),
        (ApiKey.Metadata, ResponseFrame(SampleMessages.MetadataResult())),
        (ApiKey.ApiVersions, ResponseFrame(SampleMessages.ApiVersionsResult())),
        (ApiKey.CreateTopics, ResponseFrame(SampleMessages.CreateTopicsResult())),
        (ApiKey.DeleteTopics, ResponseFrame(SampleMessages.DeleteTopicsResult())),
        (ApiKey.DescribeConfigs, ResponseFrame(SampleMessages.DescribeConfigsResult())),
        (ApiKey.AlterConfigs, ResponseFrame(SampleMessages.AlterConfigsResult())),
        (ApiKey.CreatePartitions, ResponseFrame(SampleMessages.CreatePartitionsResult())),
        (ApiKey.InitProducerId, ResponseFrame(SampleMessages.InitProducerIdResult())),
        (ApiKey.OffsetCommit, ResponseFrame(GroupSampleMessages.OffsetCommitResult())),
        (ApiKey.OffsetFetch, ResponseFrame(GroupSampleMessages.OffsetFetchResult())),
        (ApiKey.FindCoordinator, ResponseFrame(GroupSampleMessages.FindCoordinatorResult())),
        (ApiKey.LeaveGroup, ResponseFrame(GroupSampleMessages.LeaveGroupResult())),
        (ApiKey.DescribeGroups, ResponseFrame(GroupSampleMessages.DescribeGroupsResult())),
        (ApiKey.ListGroups, ResponseFrame(GroupSampleMessages.ListGroupsResult())),
        (ApiKey.DeleteGroups, ResponseFrame(GroupSampleMessages.DeleteGroupsResult())),
        (ApiKey.ConsumerGroupHeartbeat, ResponseFrame(GroupSampleMessages.HeartbeatResult())),
    ];

    /// <summary>
    /// What a server does with a frame whose header passed <see cref="ApiVersionsTable.Check(ApiKey, short)"/>, for
    /// every API with a codec (a server serving the group APIs).
    /// </summary>
    public static object ReadRequest(in RequestFrame frame) => frame.Header.ApiKey switch
    {
        ApiKey.Produce => frame.ReadBody<ProduceRequest>(),
        ApiKey.Fetch => frame.ReadBody<FetchRequest>(),
        ApiKey.ListOffsets => frame.ReadBody<ListOffsetsRequest>(),
        ApiKey.Metadata => frame.ReadBody<MetadataRequest>(),
        ApiKey.ApiVersions => frame.ReadBody<ApiVersionsRequest>(),
        ApiKey.CreateTopics => frame.ReadBody<CreateTopicsRequest>(),
        ApiKey.DeleteTopics => frame.ReadBody<DeleteTopicsRequest>(),
        ApiKey.DescribeConfigs => frame.ReadBody<DescribeConfigsRequest>(),
        ApiKey.AlterConfigs => frame.ReadBody<AlterConfigsRequest>(),
        ApiKey.CreatePartitions => frame.ReadBody<CreatePartitionsRequest>(),
        ApiKey.InitProducerId => frame.ReadBody<InitProducerIdRequest>(),
        ApiKey.OffsetCommit => frame.ReadBody<OffsetCommitRequest>(),
        ApiKey.OffsetFetch => frame.ReadBody<OffsetFetchRequest>(),
        ApiKey.FindCoordinator => frame.ReadBody<FindCoordinatorRequest>(),
        ApiKey.LeaveGroup => frame.ReadBody<LeaveGroupRequest>(),
        ApiKey.DescribeGroups => frame.ReadBody<DescribeGroupsRequest>(),
        ApiKey.ListGroups => frame.ReadBody<ListGroupsRequest>(),
        ApiKey.DeleteGroups => frame.ReadBody<DeleteGroupsRequest>(),
        ApiKey.ConsumerGroupHeartbeat => frame.ReadBody<ConsumerGroupHeartbeatRequest>(),
        _ => throw new InvalidOperationException($"{frame.Header.ApiKey} passed the version check but has no reader."),
    };

    /// <summary>What a client does with a response to a request of <paramref name="apiKey"/>.</summary>
    public static object ReadResponse(ApiKey apiKey, in ResponseFrame frame) => apiKey switch
    {
        ApiKey.Produce => frame.ReadBody<ProduceResponse>(0),
        ApiKey.Fetch => frame.ReadBody<FetchResponse>(0),
        ApiKey.ListOffsets => frame.ReadBody<ListOffsetsResponse>(0),
        ApiKey.Metadata => frame.ReadBody<MetadataResponse>(0),
        ApiKey.ApiVersions => frame.ReadBody<ApiVersionsResponse>(0),
        ApiKey.CreateTopics => frame.ReadBody<CreateTopicsResponse>(0),
        ApiKey.DeleteTopics => frame.ReadBody<DeleteTopicsResponse>(0),
        ApiKey.DescribeConfigs => frame.ReadBody<DescribeConfigsResponse>(0),
        ApiKey.AlterConfigs => frame.ReadBody<AlterConfigsResponse>(0),
        ApiKey.CreatePartitions => frame.ReadBody<CreatePartitionsResponse>(0),
        ApiKey.InitProducerId => frame.ReadBody<InitProducerIdResponse>(0),
        ApiKey.OffsetCommit => frame.ReadBody<OffsetCommitResponse>(0),
        ApiKey.OffsetFetch => frame.ReadBody<OffsetFetchResponse>(0),
        ApiKey.FindCoordinator => frame.ReadBody<FindCoordinatorResponse>(0),
        ApiKey.LeaveGroup => frame.ReadBody<LeaveGroupResponse>(0),
        ApiKey.DescribeGroups => frame.ReadBody<DescribeGroupsResponse>(0),
        ApiKey.ListGroups => frame.ReadBody<ListGroupsResponse>(0),
        ApiKey.DeleteGroups => frame.ReadBody<DeleteGroupsResponse>(0),
        ApiKey.ConsumerGroupHeartbeat => frame.ReadBody<ConsumerGroupHeartbeatResponse>(0),
        _ => throw new InvalidOperationException($"No response reader for {apiKey}."),
    };

    /// <summary>Encodes any message <see cref="ReadRequest"/> or <see cref="ReadResponse"/> returned.</summary>
    public static byte[] EncodeAny(object message) => message switch
    {
        ProduceRequest m => Encode(m),
        FetchRequest m => Encode(m),
        ListOffsetsRequest m => Encode(m),
        MetadataRequest m => Encode(m),
        ApiVersionsRequest m => Encode(m),
        CreateTopicsRequest m => Encode(m),
        DeleteTopicsRequest m => Encode(m),
        DescribeConfigsRequest m => Encode(m),
        AlterConfigsRequest m => Encode(m),
        CreatePartitionsRequest m => Encode(m),
        InitProducerIdRequest m => Encode(m),
        ProduceResponse m => Encode(m),
        FetchResponse m => Encode(m),
        ListOffsetsResponse m => Encode(m),
        MetadataResponse m => Encode(m),
        ApiVersionsResponse m => Encode(m),
        CreateTopicsResponse m => Encode(m),
        DeleteTopicsResponse m => Encode(m),
        DescribeConfigsResponse m => Encode(m),
        AlterConfigsResponse m => Encode(m),
        CreatePartitionsResponse m => Encode(m),
        InitProducerIdResponse m => Encode(m),
        OffsetCommitRequest m => Encode(m),
        OffsetFetchRequest m => Encode(m),
        FindCoordinatorRequest m => Encode(m),
        LeaveGroupRequest m => Encode(m),
        DescribeGroupsRequest m => Encode(m),
        ListGroupsRequest m => Encode(m),
        DeleteGroupsRequest m => Encode(m),
        ConsumerGroupHeartbeatRequest m => Encode(m),
        OffsetCommitResponse m => Encode(m),
        OffsetFetchResponse m => Encode(m),
        FindCoordinatorResponse m => Encode(m),
        LeaveGroupResponse m => Encode(m),
        DescribeGroupsResponse m => Encode(m),
        ListGroupsResponse m => Encode(m),
        DeleteGroupsResponse m => Encode(m),
        ConsumerGroupHeartbeatResponse m => Encode(m),
        _ => throw new InvalidOperationException($"No encoder for {message.GetType().Name}."),
    };

    /// <summary>The top-level error of any response <see cref="ReadResponse"/> returned.</summary>
    public static Broker.Core.Errors.ErrorCode ErrorCodeOf(object response) =>
        (Broker.Core.Errors.ErrorCode)response.GetType().GetProperty("ErrorCode")!.GetValue(response)!;

    public static byte[] ReadAndReencodeRequest(in RequestFrame frame) => EncodeAny(ReadRequest(frame));

    public static byte[] ReadAndReencodeResponse(ApiKey apiKey, in ResponseFrame frame) => EncodeAny(ReadResponse(apiKey, frame));
}
