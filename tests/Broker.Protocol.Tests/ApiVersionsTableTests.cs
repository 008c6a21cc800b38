using Broker.Core.Errors;
using Broker.Protocol.Messages.ApiVersions;
using Broker.Protocol.Messages.ConsumerGroupHeartbeat;
using Broker.Protocol.Tests.Support;

namespace Broker.Protocol.Tests;

public class ApiVersionsTableTests
{
    [Fact]
    public void Api_keys_keep_kafka_numbers_including_the_reserved_group_apis()
    {
        var expected = new Dictionary<ApiKey, short>
        {
            [ApiKey.Produce] = 0, [ApiKey.Fetch] = 1, [ApiKey.ListOffsets] = 2, [ApiKey.Metadata] = 3,
            [ApiKey.OffsetCommit] = 8, [ApiKey.OffsetFetch] = 9, [ApiKey.FindCoordinator] = 10, [ApiKey.LeaveGroup] = 13,
            [ApiKey.DescribeGroups] = 15, [ApiKey.ListGroups] = 16, [ApiKey.ApiVersions] = 18, [ApiKey.CreateTopics] = 19,
            [ApiKey.DeleteTopics] = 20, [ApiKey.InitProducerId] = 22, [ApiKey.DescribeConfigs] = 32, [ApiKey.AlterConfigs] = 33,
            [ApiKey.CreatePartitions] = 37, [ApiKey.DeleteGroups] = 42, [ApiKey.ConsumerGroupHeartbeat] = 68,
        };
        Assert.Equal(expected.Count, Enum.GetValues<ApiKey>().Length);
        foreach (var (key, number) in expected)
        {
            Assert.Equal(number, (short)key);
        }
    }

    [Fact]
    public void The_served_table_lists_every_api_once_at_version_0_including_the_group_apis()
    {
        var keys = ApiVersionsTable.Supported.Select(r => r.ApiKey).ToList();
        Assert.Equal(keys.Distinct().Count(), keys.Count);
        Assert.Equal(Wire.EveryRequestFrame().Count, keys.Count);
        Assert.All(ApiVersionsTable.Supported, r => Assert.Equal((0, 0), ((int)r.MinVersion, (int)r.MaxVersion)));
        Assert.Subset(keys.ToHashSet(), ApiVersionsTable.GroupApis.Select(r => r.ApiKey).ToHashSet());
        Assert.Equal(keys.Order(), keys);
    }

    [Fact]
    public void Every_api_key_has_a_codec_and_every_codec_is_served()
    {
        var codecs = ApiVersionsTable.Codecs.Select(r => r.ApiKey).ToList();
        Assert.Equal(Enum.GetValues<ApiKey>().Order(), codecs);
        Assert.Equal(Wire.EveryRequestFrame().Count, codecs.Count);
        Assert.Equal(ApiVersionsTable.Supported, ApiVersionsTable.Codecs);
        Assert.Equal(
            [ApiKey.OffsetCommit, ApiKey.OffsetFetch, ApiKey.FindCoordinator, ApiKey.LeaveGroup, ApiKey.DescribeGroups,
                ApiKey.ListGroups, ApiKey.DeleteGroups, ApiKey.ConsumerGroupHeartbeat],
            ApiVersionsTable.GroupApis.Select(r => r.ApiKey));
    }

    [Fact]
    public void Build_sorts_by_key_and_refuses_an_api_listed_twice()
    {
        IReadOnlyList<ApiVersionRange> late = [new(ApiKey.ConsumerGroupHeartbeat, 0, 0)];
        IReadOnlyList<ApiVersionRange> early = [new(ApiKey.Metadata, 0, 2), new(ApiKey.Produce, 0, 0)];
        Assert.Equal([ApiKey.Produce, ApiKey.Metadata, ApiKey.ConsumerGroupHeartbeat], ApiVersionsTable.Build(late, early).Select(r => r.ApiKey));
        Assert.Throws<InvalidOperationException>(() => ApiVersionsTable.Build(early, [new(ApiKey.Metadata, 0, 0)]));
    }

    [Fact]
    public void Group_apis_are_served_and_read_and_written_at_version_0_only()
    {
        foreach (var range in ApiVersionsTable.GroupApis)
        {
            Assert.Equal(ErrorCode.None, ApiVersionsTable.Check(range.ApiKey, 0));
            Assert.Equal(ErrorCode.UnsupportedVersion, ApiVersionsTable.Check(range.ApiKey, 1));
            Assert.True(ApiVersionsTable.TryGetRange(range.ApiKey, out _));
        }

        var body = Wire.Encode(GroupSampleMessages.Heartbeat());
        Assert.Equal("payments", Messages.MessageReader.Read<ConsumerGroupHeartbeatRequest>(body, 0).GroupId);
        var refused = Assert.Throws<ProtocolException>(() => Messages.MessageReader.Read<ConsumerGroupHeartbeatRequest>(body, 1));
        Assert.Equal(ProtocolViolation.UnsupportedVersion, refused.Violation);
        Assert.Throws<ProtocolException>(() => Wire.Encode(GroupSampleMessages.Heartbeat(), version: 1));
    }

    [Theory]
    [InlineData(ApiKey.Produce, 0, ErrorCode.None)]
    [InlineData(ApiKey.Produce, 1, ErrorCode.UnsupportedVersion)]
    [InlineData(ApiKey.InitProducerId, 0, ErrorCode.None)]
    [InlineData(ApiKey.Fetch, -1, ErrorCode.UnsupportedVersion)]
    [InlineData(ApiKey.FindCoordinator, 0, ErrorCode.None)]
    [InlineData(ApiKey.FindCoordinator, 1, ErrorCode.UnsupportedVersion)]
    [InlineData((ApiKey)4, 0, ErrorCode.InvalidRequest)]
    [InlineData((ApiKey)(-1), 0, ErrorCode.InvalidRequest)]
    public void Check_answers_from_the_header_alone(ApiKey apiKey, short version, ErrorCode expected) =>
        Assert.Equal(expected, ApiVersionsTable.Check(apiKey, version));

    [Fact]
    public void An_api_versions_answer_to_an_unknown_version_still_lists_the_table()
    {
        var body = Wire.Encode(ApiVersionsResponse.FromTable(ErrorCode.UnsupportedVersion));
        // The client asked at a version this build does not know: the reply is read as v0 whatever it asked.
        var read = Messages.MessageReader.Read<ApiVersionsResponse>(body, 7);
        Assert.Equal(ErrorCode.UnsupportedVersion, read.ErrorCode);
        Assert.Equal(ApiVersionsTable.Supported, read.ApiKeys);
    }
}
