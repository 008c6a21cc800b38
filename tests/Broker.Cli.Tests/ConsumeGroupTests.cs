using System.Globalization;
using System.Text.Json;
using Broker.Cli.Tests.Support;
using static Broker.Cli.Tests.TopicCommandTests;

namespace Broker.Cli.Tests;

/// <summary>
/// <c>consume --group</c>: each run commits what it printed and leaves, however it ends, so the next run of the group
/// continues there. Runs print partition and offset, so the tests can check that no record comes twice or is skipped.
/// </summary>
public sealed class ConsumeGroupTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task A_second_run_continues_where_max_messages_stopped_the_first()
    {
        await CreateTopicAsync("continued", partitions: 3, records: 60);

        var first = await ConsumeAsync("continued", "continuing", "--from-beginning", "--max-messages", "25");
        Assert.Equal(25, first.Count);
        Assert.Equal(NextOffsets(first, partitions: 3), await CommittedAsync("continuing", "continued"));

        // --from-beginning only matters for a partition the first run committed nothing for.
        var second = await ConsumeAsync("continued", "continuing", "--from-beginning", "--max-messages", "35");
        AssertEveryRecordOnce([.. first, .. second], produced: 60);

        using var described = Json(await broker.RunAsync("-o", "json", "group", "describe", "continuing"));
        Assert.Equal("Empty", described.RootElement.GetProperty("state").GetString());
        Assert.Equal(0, described.RootElement.GetProperty("total_lag").GetInt64());
    }

    [Fact]
    public async Task Ctrl_c_and_timeout_ends_commit_what_was_printed()
    {
        await CreateTopicAsync("interrupted", partitions: 2, records: 40);

        // Ctrl+C once some records are out: exit 0, and exactly what was printed is committed.
        var output = new ObservedWriter();
        using var error = new StringWriter();
        using var cancellation = new CancellationTokenSource();
        var running = BrokerCtl.RunAsync(
            ["--bootstrap", broker.Bootstrap, "consume", "interrupted", "--group", "interrupting", "--from-beginning", "--print-partition", "--print-offset"],
            TextReader.Null, output, error, cancellation.Token);
        Assert.True(await output.WaitForLinesAsync(10, TimeSpan.FromSeconds(60)), $"stdout: {output.Text} stderr: {error}");
        await cancellation.CancelAsync();
        Assert.True(await running == 0, error.ToString());
        var first = Records(output.Text);
        Assert.Equal($"Processed a total of {first.Count} messages", error.ToString().Trim());
        Assert.Equal(NextOffsets(first, partitions: 2), await CommittedAsync("interrupting", "interrupted"));

        // An idle end commits too: after it, the group has everything printed so far committed.
        var second = await ConsumeAsync("interrupted", "interrupting", "--from-beginning", "--timeout-ms", "2000");
        List<(int, long)> both = [.. first, .. second];
        Assert.Equal(NextOffsets(both, partitions: 2), await CommittedAsync("interrupting", "interrupted"));
        var rest = 40 - both.Count;
        List<(int, long)> third = rest == 0 ? [] : await ConsumeAsync("interrupted", "interrupting", "--max-messages", $"{rest}");
        AssertEveryRecordOnce([.. both, .. third], produced: 40);
    }

    [Fact]
    public async Task Without_from_beginning_a_group_without_offsets_starts_at_the_end()
    {
        await CreateTopicAsync("tailed", partitions: 1, records: 0);
        Assert.Equal(0, (await broker.RunWithInputAsync("old-1\nold-2\n", "produce", "tailed")).ExitCode);

        // The consumer's start is found some time after it starts: keep producing until it has read one record,
        // which must be one produced after it started, never an old one.
        using var safety = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var tail = CliRun.RunAsync(["--bootstrap", broker.Bootstrap, "consume", "tailed", "--group", "tailing", "--max-messages", "1"], cancellationToken: safety.Token);
        for (var i = 0; !tail.IsCompleted; i++)
        {
            Assert.Equal(0, (await broker.RunWithInputAsync($"new-{i}\n", "produce", "tailed")).ExitCode);
            await Task.WhenAny(tail, Task.Delay(200));
        }

        var run = await tail;
        Assert.True(run.ExitCode == 0 && !safety.IsCancellationRequested, run.ToString());
        Assert.StartsWith("new-", Assert.Single(run.OutLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_is_unchanged_with_a_group()
    {
        await CreateTopicAsync("json-group", partitions: 1, records: 3);
        var run = await broker.RunAsync("-o", "json", "consume", "json-group", "--group", "json-readers", "--from-beginning", "--max-messages", "3");
        Assert.True(run.ExitCode == 0, run.ToString());
        var records = run.OutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([0L, 1L, 2L], records.Select(r => r.GetProperty("offset").GetInt64()));
        Assert.All(records, r => Assert.Equal("json-group", r.GetProperty("topic").GetString()));
        Assert.Equal(["value-0", "value-1", "value-2"], records.Select(r => r.GetProperty("value").GetString()));
    }

    /// <summary>Runs consume --group printing partition and offset; returns the (partition, offset) of every record printed.</summary>
    private async Task<List<(int Partition, long Offset)>> ConsumeAsync(string topic, string group, params string[] options)
    {
        var run = await broker.RunAsync(["consume", topic, "--group", group, "--print-partition", "--print-offset", .. options]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var records = Records(run.Out);
        Assert.Equal($"Processed a total of {records.Count} messages", Assert.Single(run.ErrorLines));
        return records;
    }

    private static List<(int Partition, long Offset)> Records(string output) =>
    [
        .. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')).Select(cells =>
            (int.Parse(cells[0], CultureInfo.InvariantCulture), long.Parse(cells[1], CultureInfo.InvariantCulture))),
    ];

    /// <summary>
    /// What the group should have committed after these records: per partition, one past the last offset printed
    /// (offsets start at 0 and each run continues the last), 0 where none was.
    /// </summary>
    private static long[] NextOffsets(List<(int Partition, long Offset)> records, int partitions) =>
        [.. Enumerable.Range(0, partitions).Select(p => records.Where(r => r.Partition == p).Select(r => r.Offset + 1).DefaultIfEmpty(0).Max())];

    /// <summary>Each of the topic's records exactly once: as many as were produced, none twice.</summary>
    private static void AssertEveryRecordOnce(List<(int Partition, long Offset)> records, int produced)
    {
        Assert.Equal(produced, records.Distinct().Count());
        Assert.Equal(produced, records.Count);
    }

    /// <summary>The group's committed offset of each partition of the topic, 0 where it has none.</summary>
    private async Task<long[]> CommittedAsync(string group, string topic)
    {
        using var described = Json(await broker.RunAsync("-o", "json", "group", "describe", group));
        return
        [
            .. described.RootElement.GetProperty("partitions").EnumerateArray()
                .Where(p => p.GetProperty("topic").GetString() == topic)
                .OrderBy(p => p.GetProperty("partition").GetInt32())
                .Select(p => p.GetProperty("committed_offset") is { ValueKind: JsonValueKind.Number } offset ? offset.GetInt64() : 0),
        ];
    }

    private async Task CreateTopicAsync(string name, int partitions, int records)
    {
        var created = await broker.RunAsync("topic", "create", name, "--partitions", $"{partitions}");
        Assert.True(created.ExitCode == 0, created.ToString());
        if (records > 0)
        {
            var input = string.Concat(Enumerable.Range(0, records).Select(i => $"key-{i}:value-{i}\n"));
            var produced = await broker.RunWithInputAsync(input, "produce", name, "--key-separator", ":");
            Assert.True(produced.ExitCode == 0, produced.ToString());
        }
    }
}
