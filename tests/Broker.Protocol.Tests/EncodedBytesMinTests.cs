using Broker.Protocol.Messages;
using Broker.Protocol.Messages.AlterConfigs;
using Broker.Protocol.Messages.CreatePartitions;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.DeleteGroups;
using Broker.Protocol.Messages.DescribeConfigs;
using Broker.Protocol.Messages.DescribeGroups;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.LeaveGroup;
using Broker.Protocol.Messages.ListGroups;
using Broker.Protocol.Messages.ListOffsets;
using Broker.Protocol.Messages.Metadata;
using Broker.Protocol.Messages.OffsetCommit;
using Broker.Protocol.Messages.OffsetFetch;
using Broker.Protocol.Messages.Produce;

namespace Broker.Protocol.Tests;

/// <summary>
/// Each element type's EncodedBytesMin bounds array counts read from the wire. Too high and valid messages are
/// refused; too low (or zero) and a lying count allocates more than the bytes present justify. So each must equal
/// the size of the element's smallest encoding: empty strings, null where nullable, empty arrays.
/// </summary>
public class EncodedBytesMinTests
{
    private delegate void WriteElement(ref ProtocolWriter writer);

    [Fact]
    public void Produce_elements() => AssertAll(
        (ProduceRequestTopic.EncodedBytesMin, (ref ProtocolWriter w) => new ProduceRequestTopic { Name = "" }.Write(ref w, 0)),
        (ProduceRequestPartition.EncodedBytesMin, (ref ProtocolWriter w) => default(ProduceRequestPartition).Write(ref w, 0)),
        (ProduceResponseTopic.EncodedBytesMin, (ref ProtocolWriter w) => new ProduceResponseTopic { Name = "" }.Write(ref w, 0)),
        (ProduceResponsePartition.EncodedBytesMin, (ref ProtocolWriter w) => default(ProduceResponsePartition).Write(ref w, 0)));

    [Fact]
    public void Fetch_elements() => AssertAll(
        (FetchRequestTopic.EncodedBytesMin, (ref ProtocolWriter w) => new FetchRequestTopic { Name = "" }.Write(ref w, 0)),
        (FetchRequestPartition.EncodedBytesMin, (ref ProtocolWriter w) => default(FetchRequestPartition).Write(ref w, 0)),
        (FetchResponseTopic.EncodedBytesMin, (ref ProtocolWriter w) => new FetchResponseTopic { Name = "" }.Write(ref w, 0)),
        (FetchResponsePartition.EncodedBytesMin, (ref ProtocolWriter w) => default(FetchResponsePartition).Write(ref w, 0)));

    [Fact]
    public void ListOffsets_elements() => AssertAll(
        (ListOffsetsRequestTopic.EncodedBytesMin, (ref ProtocolWriter w) => new ListOffsetsRequestTopic { Name = "" }.Write(ref w, 0)),
        (ListOffsetsRequestPartition.EncodedBytesMin, (ref ProtocolWriter w) => default(ListOffsetsRequestPartition).Write(ref w, 0)),
        (ListOffsetsResponseTopic.EncodedBytesMin, (ref ProtocolWriter w) => new ListOffsetsResponseTopic { Name = "" }.Write(ref w, 0)),
        (ListOffsetsResponsePartition.EncodedBytesMin, (ref ProtocolWriter w) => default(ListOffsetsResponsePartition).Write(ref w, 0)));

    [Fact]
    public void Metadata_elements() => AssertAll(
        (MetadataResponseBroker.EncodedBytesMin, (ref ProtocolWriter w) => new MetadataResponseBroker { Host = "" }.Write(ref w, 0)),
        (MetadataResponseTopic.EncodedBytesMin, (ref ProtocolWriter w) => new MetadataResponseTopic { Name = "" }.Write(ref w, 0)),
        (MetadataResponsePartition.EncodedBytesMin, (ref ProtocolWriter w) => new MetadataResponsePartition().Write(ref w, 0)),
        (ApiVersionRange.EncodedBytes, (ref ProtocolWriter w) =>
        {
            w.WriteInt16(0);
            w.WriteInt16(0);
            w.WriteInt16(0);
        }));

    [Fact]
    public void Admin_elements() => AssertAll(
        (CreateTopicsRequestTopic.EncodedBytesMin, (ref ProtocolWriter w) => new CreateTopicsRequestTopic { Name = "" }.Write(ref w, 0)),
        (CreateTopicsResponseTopic.EncodedBytesMin, (ref ProtocolWriter w) => new CreateTopicsResponseTopic { Name = "" }.Write(ref w, 0)),
        (ConfigEntry.EncodedBytesMin, (ref ProtocolWriter w) => new ConfigEntry("", null).Write(ref w)),
        (TopicResult.EncodedBytesMin, (ref ProtocolWriter w) => new TopicResult("", default).Write(ref w)),
        (CreatePartitionsRequestTopic.EncodedBytesMin, (ref ProtocolWriter w) => new CreatePartitionsRequestTopic("", 0).Write(ref w, 0)),
        (DescribeConfigsRequestResource.EncodedBytesMin, (ref ProtocolWriter w) => new DescribeConfigsRequestResource { ResourceName = "" }.Write(ref w, 0)),
        (DescribeConfigsResponseResource.EncodedBytesMin, (ref ProtocolWriter w) => new DescribeConfigsResponseResource { ResourceName = "" }.Write(ref w, 0)),
        (DescribeConfigsResponseConfig.EncodedBytesMin, (ref ProtocolWriter w) => new DescribeConfigsResponseConfig { Name = "" }.Write(ref w, 0)),
        (AlterConfigsRequestResource.EncodedBytesMin, (ref ProtocolWriter w) => new AlterConfigsRequestResource { ResourceName = "" }.Write(ref w, 0)),
        (AlterConfigsResponseResource.EncodedBytesMin, (ref ProtocolWriter w) => new AlterConfigsResponseResource { ResourceName = "" }.Write(ref w, 0)));

    [Fact]
    public void Group_elements() => AssertAll(
        (TopicPartitions.EncodedBytesMin, (ref ProtocolWriter w) => new TopicPartitions("", []).Write(ref w)),
        (LeaveGroupRequestMember.EncodedBytesMin, (ref ProtocolWriter w) => new LeaveGroupRequestMember("").Write(ref w, 0)),
        (LeaveGroupResponseMember.EncodedBytesMin, (ref ProtocolWriter w) => new LeaveGroupResponseMember("", null, default).Write(ref w, 0)),
        (OffsetCommitRequestTopic.EncodedBytesMin, (ref ProtocolWriter w) => new OffsetCommitRequestTopic { Name = "" }.Write(ref w, 0)),
        (OffsetCommitRequestPartition.EncodedBytesMin, (ref ProtocolWriter w) => default(OffsetCommitRequestPartition).Write(ref w, 0)),
        (OffsetCommitResponseTopic.EncodedBytesMin, (ref ProtocolWriter w) => new OffsetCommitResponseTopic { Name = "" }.Write(ref w, 0)),
        (OffsetCommitResponsePartition.EncodedBytesMin, (ref ProtocolWriter w) => default(OffsetCommitResponsePartition).Write(ref w, 0)),
        (OffsetFetchResponseTopic.EncodedBytesMin, (ref ProtocolWriter w) => new OffsetFetchResponseTopic { Name = "" }.Write(ref w, 0)),
        (OffsetFetchResponsePartition.EncodedBytesMin, (ref ProtocolWriter w) => default(OffsetFetchResponsePartition).Write(ref w, 0)),
        (ListGroupsResponseGroup.EncodedBytesMin, (ref ProtocolWriter w) => new ListGroupsResponseGroup("", "", "", "").Write(ref w, 0)),
        (DescribeGroupsResponseGroup.EncodedBytesMin, (ref ProtocolWriter w) => new DescribeGroupsResponseGroup { GroupId = "" }.Write(ref w, 0)),
        (DescribeGroupsResponseMember.EncodedBytesMin, (ref ProtocolWriter w) => new DescribeGroupsResponseMember { MemberId = "" }.Write(ref w, 0)),
        (DeleteGroupsResult.EncodedBytesMin, (ref ProtocolWriter w) => new DeleteGroupsResult("", default).Write(ref w, 0)));

    private static void AssertAll(params (int Declared, WriteElement Write)[] elements)
    {
        foreach (var (declared, write) in elements)
        {
            var writer = ProtocolWriter.Measuring();
            write(ref writer);
            Assert.Equal(declared, writer.BytesWritten);
        }
    }
}
