using System.Globalization;
using System.Text.Json;
using Broker.Cli.Groups;
using Broker.Cli.Tests.Support;
using Broker.Client;
using static Broker.Cli.Tests.TopicCommandTests;

namespace Broker.Cli.Tests;

/// <summary>
/// Every test resets a group on a topic of its own with two partitions: offsets 0-9 on partition 0 and 0-5 on
/// partition 1, written in two rounds (5 and 3 records each) with a known time between them. The group starts with
/// offset 2 committed on both.
/// </summary>
public sealed class GroupResetOffsetsTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    private const string MidPlaceholder = "{between-rounds}";

    [Theory]
    [InlineData(5, 3, "--to-datetime", MidPlaceholder)]
    [InlineData(0, 0, "--to-earliest")]
    [InlineData(10, 6, "--to-latest")]
    [InlineData(7, 6, "--to-offset", "7")] // partition 1 ends at 6: clamped
    [InlineData(10, 6, "--to-offset", "1000")]
    [InlineData(5, 5, "--shift-by", "3")]
    [InlineData(0, 0, "--shift-by", "-5")] // clamped to the log start
    [InlineData(7, 6, "--shift-by", "5")]
    [InlineData(10, 6, "--to-datetime", "2999-01-01T00:00:00Z")] // no record that new: the end
    [InlineData(0, 0, "--to-datetime", "2000-01-01T00:00:00.000+01:00")]
    public async Task A_dry_run_changes_nothing_and_execute_commits_exactly_the_plan(int expected0, int expected1, params string[] mode)
    {
        var (topic, group, mid) = await PrepareAsync();
        mode = [.. mode.Select(m => m == MidPlaceholder ? mid : m)];

        using var plan = Json(await broker.RunAsync(["-o", "json", "group", "reset-offsets", group, "--topic", topic, .. mode]));
        Assert.False(plan.RootElement.GetProperty("executed").GetBoolean());
        Assert.Equal(group, plan.RootElement.GetProperty("group").GetString());
        Assert.Equal(topic, plan.RootElement.GetProperty("topic").GetString());
        Assert.Equal([$"0: 2 -> {expected0}", $"1: 2 -> {expected1}"], PlanLines(plan.RootElement));
        await AssertCommittedAsync(group, topic, 2, 2);

        using var executed = Json(await broker.RunAsync(["-o", "json", "group", "reset-offsets", group, "--topic", topic, .. mode, "--execute"]));
        Assert.True(executed.RootElement.GetProperty("executed").GetBoolean());
        Assert.Equal(PlanLines(plan.RootElement), PlanLines(executed.RootElement));
        await AssertCommittedAsync(group, topic, expected0, expected1);
    }

    [Fact]
    public async Task The_plan_is_a_table_in_text_output()
    {
        var (topic, group, _) = await PrepareAsync();
        var dryRun = await broker.RunAsync("group", "reset-offsets", group, "--topic", topic, "--shift-by", "-1", "--dry-run");
        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Contains(dryRun.OutLines, l => Cells(l) is [var t, "0", "2", "1"] && t == topic);
        Assert.Contains(dryRun.OutLines, l => Cells(l) is [var t, "1", "2", "1"] && t == topic);
        Assert.Equal($"Dry run: the offsets of group {group} are unchanged. Add --execute to commit these.", dryRun.OutLines[^1]);

        var executed = await broker.RunAsync("group", "reset-offsets", group, "--topic", topic, "--shift-by", "-1", "--execute");
        Assert.True(executed.ExitCode == 0, executed.ToString());
        Assert.Equal($"Reset the offsets of group {group} on 2 partitions of {topic}.", executed.OutLines[^1]);
        await AssertCommittedAsync(group, topic, 1, 1);
    }

    [Fact]
    public async Task A_group_with_live_members_is_refused_and_keeps_its_offsets()
    {
        var (topic, group, _) = await PrepareAsync();
        await using var member = new GroupMember(broker.Bootstrap, group, topic);
        await member.ConsumeUntilAsync(partitions: 2, records: 0);

        foreach (var execute in new[] { false, true })
        {
            string[] args = ["group", "reset-offsets", group, "--topic", topic, "--to-latest", .. execute ? ["--execute"] : Array.Empty<string>()];
            var refused = await broker.RunAsync(args);
            Assert.Equal(1, refused.ExitCode);
            var line = Assert.Single(refused.ErrorLines);
            Assert.StartsWith($"brokerctl: group '{group}' has 1 active member(s) (state ", line, StringComparison.Ordinal);
            Assert.EndsWith("offsets can be reset only while it has none: stop its consumers first", line, StringComparison.Ordinal);
            Assert.Empty(refused.Out);
        }

        await AssertCommittedAsync(group, topic, 2, 2);

        // A member that joins between the check and the commit: the broker refuses, and the reason says why.
        var plan = new List<OffsetResetEntry> { new(new(topic, 0), 2, 9), new(new(topic, 1), 2, 5) };
        await using var admin = new AdminClient(new AdminClientOptions { BootstrapServers = broker.Bootstrap });
        var refusal = await Assert.ThrowsAsync<CliException>(() => OffsetResetPlanner.ApplyAsync(admin, group, plan, CancellationToken.None));
        Assert.Equal(
            $"the broker refused to reset the offsets of group '{group}' (UNKNOWN_MEMBER_ID): the group has active members; stop its consumers first",
            refusal.Message);
        await AssertCommittedAsync(group, topic, 2, 2);
    }

    [Fact]
    public async Task Shifting_needs_a_committed_offset()
    {
        var (topic, _, _) = await PrepareAsync();
        var run = await broker.RunAsync("group", "reset-offsets", "never-committed", "--topic", topic, "--shift-by", "1");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            $"brokerctl: cannot shift the offset of {topic}-0: the group has no committed offset there (use --to-earliest, --to-latest, --to-datetime or --to-offset)",
            Assert.Single(run.ErrorLines));

        // The other modes start a group that has none: the plan shows no current offset.
        using var plan = Json(await broker.RunAsync("-o", "json", "group", "reset-offsets", "never-committed", "--topic", topic, "--to-earliest"));
        Assert.Equal(["0:  -> 0", "1:  -> 0"], PlanLines(plan.RootElement));
    }

    [Fact]
    public async Task An_unknown_topic_is_refused()
    {
        var run = await broker.RunAsync("group", "reset-offsets", "any-group", "--topic", "no-such-topic", "--to-earliest");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("brokerctl: topic 'no-such-topic' does not exist (UNKNOWN_TOPIC_OR_PARTITION)", Assert.Single(run.ErrorLines));
    }

    /// <returns>The topic, the group (offset 2 committed on both partitions), and an ISO 8601 time between the two rounds.</returns>
    private async Task<(string Topic, string Group, string Mid)> PrepareAsync()
    {
        var topic = "reset-" + Guid.NewGuid().ToString("N")[..12];
        var group = topic + "-group";
        var created = await broker.RunAsync("topic", "create", topic, "--partitions", "2");
        Assert.True(created.ExitCode == 0, created.ToString());
        await ProduceRoundAsync(topic);
        // Record timestamps are in ms: keep every first-round record strictly before the middle, every second-round one after.
        await Task.Delay(20);
        var mid = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        await ProduceRoundAsync(topic);
        var started = await broker.RunAsync("group", "reset-offsets", group, "--topic", topic, "--to-offset", "2", "--execute");
        Assert.True(started.ExitCode == 0, started.ToString());
        return (topic, group, mid.ToString("yyyy-MM-dd'T'HH:mm:ss.fffK", CultureInfo.InvariantCulture));
    }

    private async Task ProduceRoundAsync(string topic)
    {
        foreach (var (partition, count) in new[] { (0, 5), (1, 3) })
        {
            var produced = await broker.RunWithInputAsync(string.Concat(Enumerable.Repeat("x\n", count)), "produce", topic, "--partition", $"{partition}");
            Assert.True(produced.ExitCode == 0, produced.ToString());
        }
    }

    /// <summary>Checks the group's committed offsets of partitions 0 and 1 of the topic, as group describe reports them.</summary>
    private async Task AssertCommittedAsync(string group, string topic, long partition0, long partition1)
    {
        using var described = Json(await broker.RunAsync("-o", "json", "group", "describe", group));
        var committed = described.RootElement.GetProperty("partitions").EnumerateArray()
            .Where(p => p.GetProperty("topic").GetString() == topic)
            .Select(p => p.GetProperty("committed_offset").GetInt64());
        Assert.Equal([partition0, partition1], committed);
    }

    private static string[] PlanLines(JsonElement plan) =>
    [
        .. plan.GetProperty("partitions").EnumerateArray().Select(p =>
            $"{p.GetProperty("partition").GetInt32()}: {(p.GetProperty("current_offset") is { ValueKind: JsonValueKind.Number } c ? c.GetInt64() : null)} -> {p.GetProperty("new_offset").GetInt64()}"),
    ];
}
