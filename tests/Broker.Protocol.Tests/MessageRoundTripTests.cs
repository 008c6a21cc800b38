using System.Runtime.InteropServices;
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
using Broker.Protocol.Tests.Support;

namespace Broker.Protocol.Tests;

/// <summary>
/// Every message survives write, read, write byte for byte, and the measuring pass agrees with the bytes written.
/// The samples set every field away from its default, so a field dropped on either side changes the bytes.
/// </summary>
public class MessageRoundTripTests
{
    [Fact]
    public void Produce_round_trips() => AssertRoundTrip(SampleMessages.Produce(), SampleMessages.ProduceResult());

    [Fact]
    public void Fetch_round_trips() => AssertRoundTrip(SampleMessages.Fetch(), SampleMessages.FetchResult());

    [Fact]
    public void ListOffsets_round_trips() => AssertRoundTrip(SampleMessages.ListOffsets(), SampleMessages.ListOffsetsResult());

    [Fact]
    public void Metadata_round_trips() => AssertRoundTrip(SampleMessages.Metadata(), SampleMessages.MetadataResult());

    [Fact]
    public void ApiVersions_round_trips() => AssertRoundTrip(SampleMessages.ApiVersions(), SampleMessages.ApiVersionsResult());

    [Fact]
    public void CreateTopics_round_trips() => AssertRoundTrip(SampleMessages.CreateTopics(), SampleMessages.CreateTopicsResult());

    [Fact]
    public void DeleteTopics_round_trips() => AssertRoundTrip(SampleMessages.DeleteTopics(), SampleMessages.DeleteTopicsResult());

    [Fact]
    public void CreatePartitions_round_trips() =>
        AssertRoundTrip(SampleMessages.CreatePartitions(), SampleMessages.CreatePartitionsResult());

    [Fact]
    public void DescribeConfigs_round_trips() => AssertRoundTrip(SampleMessages.DescribeConfigs(), SampleMessages.DescribeConfigsResult());

    [Fact]
    public void AlterConfigs_round_trips() => AssertRoundTrip(SampleMessages.AlterConfigs(), SampleMessages.AlterConfigsResult());

    [Fact]
    public void InitProducerId_round_trips() => AssertRoundTrip(SampleMessages.InitProducerId(), SampleMessages.InitProducerIdResult());

    [Fact]
    public void InitProducerId_defaults_ask_for_a_new_producer_without_transactions()
    {
        var read = MessageReader.Read<InitProducerIdRequest>(Wire.Encode(new InitProducerIdRequest()), 0);
        Assert.Null(read.TransactionalId);
        Assert.Equal((ProtocolSentinels.NoProducerId, ProtocolSentinels.NoProducerEpoch), (read.ProducerId, read.ProducerEpoch));
        var refused = MessageReader.Read<InitProducerIdResponse>(Wire.Encode(new InitProducerIdResponse { ErrorCode = ErrorCode.InvalidRequest }), 0);
        Assert.Equal((ErrorCode.InvalidRequest, -1L, (short)-1), (refused.ErrorCode, refused.ProducerId, refused.ProducerEpoch));
    }

    [Fact]
    public void FindCoordinator_round_trips() =>
        AssertRoundTrip(GroupSampleMessages.FindCoordinator(), GroupSampleMessages.FindCoordinatorResult());

    [Fact]
    public void ConsumerGroupHeartbeat_round_trips() => AssertRoundTrip(GroupSampleMessages.Heartbeat(), GroupSampleMessages.HeartbeatResult());

    [Fact]
    public void LeaveGroup_round_trips() => AssertRoundTrip(GroupSampleMessages.LeaveGroup(), GroupSampleMessages.LeaveGroupResult());

    [Fact]
    public void OffsetCommit_round_trips() => AssertRoundTrip(GroupSampleMessages.OffsetCommit(), GroupSampleMessages.OffsetCommitResult());

    [Fact]
    public void OffsetFetch_round_trips() => AssertRoundTrip(GroupSampleMessages.OffsetFetch(), GroupSampleMessages.OffsetFetchResult());

    [Fact]
    public void ListGroups_round_trips() => AssertRoundTrip(GroupSampleMessages.ListGroups(), GroupSampleMessages.ListGroupsResult());

    [Fact]
    public void DescribeGroups_round_trips() =>
        AssertRoundTrip(GroupSampleMessages.DescribeGroups(), GroupSampleMessages.DescribeGroupsResult());

    [Fact]
    public void DeleteGroups_round_trips() => AssertRoundTrip(GroupSampleMessages.DeleteGroups(), GroupSampleMessages.DeleteGroupsResult());

    [Fact]
    public void Produce_request_fields_read_back_and_records_are_slices_of_the_body()
    {
        var sent = SampleMessages.Produce(partitions: 3, recordBytes: 100);
        var body = Wire.Encode(sent);
        var read = MessageReader.Read<ProduceRequest>(body, 0);

        Assert.Equal(ProduceAcks.Leader, read.Acks);
        Assert.Equal(30_000, read.TimeoutMs);
        Assert.Equal(["orders", "événements"], read.Topics.Select(t => t.Name));
        for (var p = 0; p < 3; p++)
        {
            var partition = read.Topics[0].Partitions[p];
            Assert.Equal(p, partition.PartitionIndex);
            Assert.Equal(sent.Topics[0].Partitions[p].Records.ToArray(), partition.Records.ToArray());
            // No copy: the records are the body's own bytes.
            Assert.True(MemoryMarshal.TryGetArray(partition.Records, out var segment));
            Assert.Same(body, segment.Array);
        }
    }

    [Fact]
    public void Null_and_empty_differ_where_the_protocol_gives_null_a_meaning()
    {
        var all = MessageReader.Read<MetadataRequest>(Wire.Encode(new MetadataRequest { Topics = null }), 0);
        var none = MessageReader.Read<MetadataRequest>(Wire.Encode(new MetadataRequest { Topics = [] }), 0);
        Assert.Null(all.Topics);
        Assert.NotNull(none.Topics);
        Assert.Empty(none.Topics);

        var config = MessageReader.Read<AlterConfigsRequest>(Wire.Encode(SampleMessages.AlterConfigs()), 0).Resources[0].Configs;
        Assert.Equal(new ConfigEntry("max.message.bytes", null), config[1]);
        Assert.Equal(new ConfigEntry("retention.ms", "86400000"), config[0]);
    }

    [Fact]
    public void Fetch_response_records_from_a_source_read_back_as_the_same_bytes()
    {
        var first = SampleMessages.Records(3000, 11);
        var source = new ChunkedRecordSource(first);
        var response = SampleMessages.FetchResult(new RecordSet(source), RecordSet.Empty);

        var read = MessageReader.Read<FetchResponse>(Wire.Encode(response), 0);
        var partitions = read.Topics[0].Partitions;
        Assert.Equal(first, partitions[0].Records.Memory.ToArray());
        Assert.Equal(0, partitions[1].Records.Length);
        Assert.Equal(ErrorCode.OffsetOutOfRange, partitions[1].ErrorCode);
        Assert.Equal((120L, 118L, 3L), (partitions[0].HighWatermark, partitions[0].LastStableOffset, partitions[0].LogStartOffset));
        Assert.Equal(first.Length, source.NextOffset);
    }

    [Fact]
    public void Only_acks_0_produce_goes_unanswered_and_an_unknown_acks_value_survives_parsing_for_the_server_to_refuse()
    {
        Assert.False(new ProduceRequest { Acks = ProduceAcks.None }.ExpectsResponse);
        Assert.True(new ProduceRequest { Acks = ProduceAcks.Leader }.ExpectsResponse);
        Assert.True(new ProduceRequest { Acks = ProduceAcks.All }.ExpectsResponse);
        var odd = MessageReader.Read<ProduceRequest>(Wire.Encode(new ProduceRequest { Acks = (ProduceAcks)2 }), 0);
        Assert.Equal((short)2, (short)odd.Acks);
    }

    [Fact]
    public void A_version_outside_the_table_is_refused_on_both_sides()
    {
        var body = Wire.Encode(SampleMessages.Fetch());
        var read = Assert.Throws<ProtocolException>(() => MessageReader.Read<FetchRequest>(body, 1));
        Assert.Equal(ErrorCode.UnsupportedVersion, read.Code);
        Assert.Throws<ProtocolException>(() => Wire.Encode(SampleMessages.Fetch(), version: 1));
    }

    private static void AssertRoundTrip<TRequest, TResponse>(TRequest request, TResponse response)
        where TRequest : IRequestMessage<TRequest>
        where TResponse : IResponseMessage<TResponse>
    {
        AssertRoundTrip(request);
        AssertRoundTrip(response);
        Assert.Equal(TRequest.ApiKey, TResponse.ApiKey);
    }

    private static void AssertRoundTrip<TMessage>(TMessage message)
        where TMessage : IMessage<TMessage>
    {
        var first = Wire.Encode(message);
        Assert.Equal(first.Length, Wire.Measure(message));
        var decoded = MessageReader.Read<TMessage>(first, 0);
        Assert.Equal(first, Wire.Encode(decoded));
    }
}
