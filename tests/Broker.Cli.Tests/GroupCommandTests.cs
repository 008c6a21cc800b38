using System.Text.Json;
using Broker.Cli.Tests.Support;
using Broker.Client;
using Broker.Core;
using static Broker.Cli.Tests.TopicCommandTests;

namespace Broker.Cli.Tests;

public sealed class GroupCommandTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task List_and_describe_show_a_group_with_its_members_and_exact_lag()
    {
        await CreateTopicAsync("lagged", partitions: 2);
        await ProduceAsync("lagged", partition: 0, count: 5);
        await ProduceAsync("lagged", partition: 1, count: 3);
        string memberId;
        await using (var member = new GroupMember(broker.Bootstrap, "lag-group", "lagged", clientId: "lag-probe"))
        {
            await member.ConsumeUntilAsync(partitions: 2, records: 8);
            await member.Consumer.CommitAsync(new Dictionary<TopicPartition, OffsetAndMetadata> { [new("lagged", 0)] = new(2) });
            memberId = member.Consumer.MemberId!;
            using var described = await WaitForGroupAsync("lag-group", g => g.GetProperty("state").GetString() == "Stable");
            var group = described.RootElement;
            Assert.Equal("lag-group", group.GetProperty("group").GetString());
            Assert.Equal("uniform", group.GetProperty("assignor").GetString());
            Assert.True(group.GetProperty("group_epoch").GetInt32() > 0);
            var only = Assert.Single(group.GetProperty("members").EnumerateArray());
            Assert.Equal(memberId, only.GetProperty("member_id").GetString());
            Assert.Equal(JsonValueKind.Null, only.GetProperty("instance_id").ValueKind);
            Assert.Equal("lag-probe", only.GetProperty("client_id").GetString());
            Assert.False(string.IsNullOrEmpty(only.GetProperty("host").GetString()));
            Assert.Equal(["lagged"], only.GetProperty("subscribed_topics").EnumerateArray().Select(t => t.GetString()));
            Assert.Equal(["lagged:0", "lagged:1"], only.GetProperty("assignment").EnumerateArray().Select(PartitionName));
            Assert.Equal(
                [$"lagged:0 committed=2 start=0 end=5 lag=3 owner={memberId}", $"lagged:1 committed= start=0 end=3 lag=3 owner={memberId}"],
                group.GetProperty("partitions").EnumerateArray().Select(LagLine));
            Assert.Equal(6, group.GetProperty("total_lag").GetInt64());

            var text = await broker.RunAsync("group", "describe", "lag-group");
            Assert.True(text.ExitCode == 0, text.ToString());
            Assert.StartsWith("Group: lag-group  State: Stable  Epoch: ", text.OutLines[0], StringComparison.Ordinal);
            Assert.Contains(text.OutLines, l => Cells(l) is [var id, "-", "lag-probe", _, _, "lagged(0,1)"] && id == memberId);
            Assert.Contains(text.OutLines, l => Cells(l) is ["lagged", "0", "2", "5", "3", var owner] && owner == memberId);
            Assert.Contains(text.OutLines, l => Cells(l) is ["lagged", "1", "-", "3", "3 (from log start)", var owner] && owner == memberId);
            Assert.Equal("Total lag: 6", text.OutLines[^1]);

            var listed = await broker.RunAsync("group", "list");
            Assert.Contains(listed.OutLines, l => Cells(l) is ["lag-group", "Stable", "consumer"]);
            using var listedJson = Json(await broker.RunAsync("-o", "json", "group", "list"));
            var entry = listedJson.RootElement.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("group").GetString() == "lag-group");
            Assert.Equal("Stable", entry.GetProperty("state").GetString());
            Assert.Equal("consumer", entry.GetProperty("type").GetString());
        }

        // Once the member has left, the group is Empty and keeps its offsets; nobody owns the partitions.
        using var empty = Json(await broker.RunAsync("-o", "json", "group", "describe", "lag-group"));
        Assert.Equal("Empty", empty.RootElement.GetProperty("state").GetString());
        Assert.Empty(empty.RootElement.GetProperty("members").EnumerateArray());
        Assert.Equal(
            ["lagged:0 committed=2 start=0 end=5 lag=3 owner=", "lagged:1 committed= start=0 end=3 lag=3 owner="],
            empty.RootElement.GetProperty("partitions").EnumerateArray().Select(LagLine));
        var emptyText = await broker.RunAsync("group", "describe", "lag-group");
        Assert.Contains("No members.", emptyText.OutLines);
        Assert.Contains(emptyText.OutLines, l => Cells(l) is ["lagged", "0", "2", "5", "3", "-"]);
    }

    [Fact]
    public async Task A_group_with_members_is_not_deleted_and_an_empty_one_is()
    {
        await CreateTopicAsync("doomed", partitions: 1);
        await using (var member = new GroupMember(broker.Bootstrap, "doomed-group", "doomed"))
        {
            await member.ConsumeUntilAsync(partitions: 1, records: 0);
            var refused = await broker.RunAsync("group", "delete", "doomed-group");
            Assert.Equal(1, refused.ExitCode);
            Assert.Equal(
                "brokerctl: group 'doomed-group' has active members (NON_EMPTY_GROUP): stop its consumers, or wait for their sessions to expire, then delete it",
                Assert.Single(refused.ErrorLines));
            Assert.Empty(refused.Out);
        }

        using var deleted = Json(await broker.RunAsync("-o", "json", "group", "delete", "doomed-group"));
        Assert.Equal("doomed-group", deleted.RootElement.GetProperty("group").GetString());
        Assert.True(deleted.RootElement.GetProperty("deleted").GetBoolean());
        var gone = await broker.RunAsync("group", "describe", "doomed-group");
        Assert.Equal(1, gone.ExitCode);
        Assert.Equal("brokerctl: group 'doomed-group' does not exist (GROUP_ID_NOT_FOUND)", Assert.Single(gone.ErrorLines));
        Assert.DoesNotContain((await broker.RunAsync("group", "list")).OutLines, l => Cells(l).FirstOrDefault() == "doomed-group");
    }

    [Theory]
    [InlineData("group", "describe", "no-such-group")]
    [InlineData("-o", "json", "group", "describe", "no-such-group")]
    [InlineData("group", "delete", "no-such-group")]
    public async Task An_unknown_group_is_one_line_naming_GROUP_ID_NOT_FOUND(params string[] args)
    {
        var run = await broker.RunAsync(args);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("brokerctl: group 'no-such-group' does not exist (GROUP_ID_NOT_FOUND)", Assert.Single(run.ErrorLines));
        Assert.Empty(run.Out);
    }

    private static string PartitionName(JsonElement partition) =>
        $"{partition.GetProperty("topic").GetString()}:{partition.GetProperty("partition").GetInt32()}";

    private static string LagLine(JsonElement p) =>
        $"{PartitionName(p)} committed={Number(p, "committed_offset")} start={Number(p, "log_start_offset")} end={Number(p, "log_end_offset")} "
        + $"lag={Number(p, "lag")} owner={p.GetProperty("owner").GetString()}";

    private static string Number(JsonElement element, string name) =>
        element.GetProperty(name) is { ValueKind: JsonValueKind.Number } number ? number.GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) : "";

    /// <summary>Describes the group until <paramref name="condition"/> holds: the coordinator learns of a member's partitions at its heartbeats.</summary>
    private async Task<JsonDocument> WaitForGroupAsync(string group, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var run = await broker.RunAsync("-o", "json", "group", "describe", group);
            var described = Json(run);
            if (condition(described.RootElement))
            {
                return described;
            }

            described.Dispose();
            Assert.True(DateTime.UtcNow < deadline, $"group {group} never reached the expected state: {run.Out}");
            await Task.Delay(100);
        }
    }

    private async Task CreateTopicAsync(string name, int partitions)
    {
        var created = await broker.RunAsync("topic", "create", name, "--partitions", $"{partitions}");
        Assert.True(created.ExitCode == 0, created.ToString());
    }

    private async Task ProduceAsync(string topic, int partition, int count)
    {
        var lines = string.Concat(Enumerable.Range(0, count).Select(i => $"record-{i}\n"));
        var produced = await broker.RunWithInputAsync(lines, "produce", topic, "--partition", $"{partition}");
        Assert.True(produced.ExitCode == 0, produced.ToString());
    }
}
