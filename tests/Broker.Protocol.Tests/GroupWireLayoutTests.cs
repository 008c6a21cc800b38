using Broker.Protocol.Messages;
using Broker.Protocol.Messages.ConsumerGroupHeartbeat;
using Broker.Protocol.Messages.FindCoordinator;
using Broker.Protocol.Messages.OffsetCommit;
using Broker.Protocol.Messages.OffsetFetch;
using Broker.Protocol.Tests.Support;

namespace Broker.Protocol.Tests;

/// <summary>
/// Golden bytes of the group APIs, written out by hand from docs/protocol.md, as <see cref="WireLayoutTests"/> does
/// for the others: a field order or width that Read and Write get wrong together shows here.
/// </summary>
public class GroupWireLayoutTests
{
    private const byte N = 0xFF; // the bytes of -1: a null string or array, or a -1 sentinel

    [Fact]
    public void A_steady_state_heartbeat_is_ids_and_epoch_with_every_unchanged_field_null()
    {
        var request = new ConsumerGroupHeartbeatRequest { GroupId = "g", MemberId = "m", MemberEpoch = 5 };
        byte[] expected =
        [
            0, 1, (byte)'g', // group_id
            0, 1, (byte)'m', // member_id
            0, 0, 0, 5, // member_epoch
            N, N, // instance_id null
            N, N, // rack_id null
            N, N, N, N, // rebalance_timeout_ms -1: unchanged
            N, N, N, N, // subscribed_topic_names null: unchanged
            N, N, // server_assignor null: unchanged
            N, N, N, N, // topic_partitions null: unchanged
        ];
        Assert.Equal(expected, Wire.Encode(request));
    }

    [Fact]
    public void A_join_heartbeat_has_an_empty_member_id_epoch_0_and_everything_set()
    {
        var request = new ConsumerGroupHeartbeatRequest
        {
            GroupId = "g",
            MemberId = "",
            MemberEpoch = ProtocolSentinels.JoinGroupMemberEpoch,
            InstanceId = "i",
            RebalanceTimeoutMs = 300_000,
            SubscribedTopicNames = ["t"],
            ServerAssignor = "range",
            TopicPartitions = [],
        };
        byte[] expected =
        [
            0, 1, (byte)'g', // group_id
            0, 0, // member_id ""
            0, 0, 0, 0, // member_epoch 0: join
            0, 1, (byte)'i', // instance_id
            N, N, // rack_id null
            0, 0x04, 0x93, 0xE0, // rebalance_timeout_ms 300000
            0, 0, 0, 1, 0, 1, (byte)'t', // subscribed_topic_names ["t"]
            0, 5, (byte)'r', (byte)'a', (byte)'n', (byte)'g', (byte)'e', // server_assignor
            0, 0, 0, 0, // topic_partitions []: owns nothing
        ];
        Assert.Equal(expected, Wire.Encode(request));
    }

    [Fact]
    public void Heartbeat_response_layout()
    {
        var response = new ConsumerGroupHeartbeatResponse
        {
            ThrottleTimeMs = 0,
            MemberId = "m",
            MemberEpoch = 6,
            HeartbeatIntervalMs = 5000,
            Assignment = [new TopicPartitions("t", [1, 2])],
        };
        byte[] expected =
        [
            0, 0, 0, 0, 0, 0, // error_code, throttle_time_ms
            N, N, // error_message null
            0, 1, (byte)'m', // member_id
            0, 0, 0, 6, // member_epoch
            0, 0, 0x13, 0x88, // heartbeat_interval_ms 5000
            0, 0, 0, 1, 0, 1, (byte)'t', // assignment: 1 topic, "t"
            0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, // partitions [1, 2]
        ];
        Assert.Equal(expected, Wire.Encode(response));
    }

    [Fact]
    public void OffsetCommit_request_layout()
    {
        var request = new OffsetCommitRequest
        {
            GroupId = "g",
            GenerationIdOrMemberEpoch = ProtocolSentinels.NoMemberEpoch,
            Topics =
            [
                new OffsetCommitRequestTopic
                {
                    Name = "t",
                    Partitions = [new() { PartitionIndex = 3, CommittedOffset = 258, CommittedLeaderEpoch = 7, CommittedMetadata = "x" }],
                },
            ],
        };
        byte[] expected =
        [
            0, 1, (byte)'g', // group_id
            N, N, N, N, // generation_id_or_member_epoch -1: simple consumer
            N, N, // member_id null
            N, N, // group_instance_id null
            0, 0, 0, 1, 0, 1, (byte)'t', // topics: 1, name "t"
            0, 0, 0, 1, 0, 0, 0, 3, // partitions: 1, index 3
            0, 0, 0, 0, 0, 0, 1, 2, // committed_offset 258
            0, 0, 0, 7, // committed_leader_epoch
            0, 1, (byte)'x', // committed_metadata
        ];
        Assert.Equal(expected, Wire.Encode(request));
    }

    [Fact]
    public void OffsetFetch_request_and_response_layout()
    {
        var request = new OffsetFetchRequest { GroupId = "g", RequireStable = true };
        byte[] expectedRequest =
        [
            0, 1, (byte)'g', // group_id
            N, N, // member_id null
            N, N, N, N, // member_epoch -1
            1, // require_stable
            N, N, N, N, // topics null: every committed offset of the group
        ];
        Assert.Equal(expectedRequest, Wire.Encode(request));

        var response = new OffsetFetchResponse
        {
            Topics = [new OffsetFetchResponseTopic { Name = "t", Partitions = [new() { PartitionIndex = 1, CommittedOffset = -1, CommittedLeaderEpoch = -1 }] }],
        };
        byte[] expectedResponse =
        [
            0, 0, 0, 0, 0, 0, // error_code, throttle_time_ms
            0, 0, 0, 1, 0, 1, (byte)'t', // topics: 1, name "t"
            0, 0, 0, 1, 0, 0, 0, 1, // partitions: 1, index 1
            N, N, N, N, N, N, N, N, // committed_offset -1: none
            N, N, N, N, // committed_leader_epoch -1
            N, N, // metadata null
            0, 0, // error_code
        ];
        Assert.Equal(expectedResponse, Wire.Encode(response));
    }

    [Fact]
    public void FindCoordinator_request_and_response_layout()
    {
        Assert.Equal([0, 1, (byte)'g', 0], Wire.Encode(new FindCoordinatorRequest { Key = "g" }));

        var response = new FindCoordinatorResponse { NodeId = 2, Host = "h", Port = 9192 };
        byte[] expected =
        [
            0, 0, 0, 0, 0, 0, // error_code, throttle_time_ms
            N, N, // error_message null
            0, 0, 0, 2, // node_id
            0, 1, (byte)'h', // host
            0, 0, 0x23, 0xE8, // port 9192
        ];
        Assert.Equal(expected, Wire.Encode(response));
    }
}
