using Broker.Core.Errors;
using Broker.Protocol.Messages.ApiVersions;
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
            [ApiKey.DeleteTopics] = 20, [ApiKey.DescribeConfigs] = 32, [ApiKey.AlterConfigs] = 33,
            [ApiKey.CreatePartitions] = 37, [ApiKey.DeleteGroups] = 42, [ApiKey.ConsumerGroupHeartbeat] = 68,
        };
        Assert.Equal(expected.Count, Enum.GetValues<ApiKey>().Length);
        foreach (var (key, number) in expected)
        {
            Assert.Equal(number, (short)key);
        }
    }

    [Fact]
    public void The_table_lists_each_implemented_api_once_at_version_0_and_no_reserved_one()
    {
        var keys = ApiVersionsTable.Supported.Select(r => r.ApiKey).ToList();
        Assert.Equal(keys.Distinct().Count(), keys.Count);
        Assert.Equal(Wire.EveryRequestFrame().Count, keys.Count);
        Assert.All(ApiVersionsTable.Supported, r => Assert.Equal((0, 0), ((int)r.MinVersion, (int)r.MaxVersion)));
        Assert.DoesNotContain(ApiKey.OffsetCommit, keys);
        Assert.DoesNotContain(ApiKey.ConsumerGroupHeartbeat, keys);
    }

    [Theory]
    [InlineData(ApiKey.Produce, 0, ErrorCode.None)]
    [InlineData(ApiKey.Produce, 1, ErrorCode.UnsupportedVersion)]
    [InlineData(ApiKey.Fetch, -1, ErrorCode.UnsupportedVersion)]
    [InlineData(ApiKey.FindCoordinator, 0, ErrorCode.UnsupportedVersion)]
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
