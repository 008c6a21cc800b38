using System.Text.Json;
using Broker.Cli.Tests.Support;

namespace Broker.Cli.Tests;

public sealed class PerfCommandTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    private const int Records = 20_000;

    [Fact]
    public async Task Perf_produce_then_consume_report_every_record()
    {
        Assert.Equal(0, (await broker.RunAsync("topic", "create", "perf-pc", "--partitions", "2")).ExitCode);

        var produced = await broker.RunAsync("-o", "json", "perf", "produce", "--topic", "perf-pc", "--num-records", $"{Records}",
            "--record-size", "100", "--acks", "1", "--producers", "2");
        var result = AssertSaneResult(produced, Records);
        Assert.Equal(Records * 100L, result.GetProperty("bytes").GetInt64());

        // The warm-up records (one per producer) are in the topic too; perf consume reads exactly what it was asked.
        var consumed = await broker.RunAsync("-o", "json", "perf", "consume", "--topic", "perf-pc", "--messages", $"{Records}");
        AssertSaneResult(consumed, Records);
    }

    [Fact]
    public async Task Perf_produce_at_a_rate_never_runs_faster_than_the_rate()
    {
        Assert.Equal(0, (await broker.RunAsync("topic", "create", "perf-rate")).ExitCode);
        var produced = await broker.RunAsync("-o", "json", "perf", "produce", "--topic", "perf-rate", "--num-records", "5000",
            "--record-size", "512", "--throughput", "5000", "--compression", "lz4", "--linger-ms", "0");
        var result = AssertSaneResult(produced, 5000);
        // 5,000 records at 5,000/s cannot finish in under a second; how much longer depends on the machine's load.
        Assert.True(result.GetProperty("elapsed_ms").GetDouble() >= 999, produced.Out);
        Assert.True(result.GetProperty("records_per_sec").GetDouble() <= 5010, produced.Out);
    }

    [Fact]
    public async Task Perf_e2e_reports_latency_of_every_record()
    {
        Assert.Equal(0, (await broker.RunAsync("topic", "create", "perf-e2e")).ExitCode);
        var run = await broker.RunAsync("-o", "json", "perf", "e2e", "--topic", "perf-e2e", "--num-records", $"{Records}",
            "--record-size", "256", "--rate", "10000", "--producer-acks", "all");
        var result = AssertSaneResult(run, Records);
        Assert.True(result.GetProperty("latency_us").GetProperty("p50").GetInt64() > 0);
    }

    [Fact]
    public async Task Perf_produce_prints_a_table_for_people()
    {
        Assert.Equal(0, (await broker.RunAsync("topic", "create", "perf-text")).ExitCode);
        var run = await broker.RunAsync("perf", "produce", "--topic", "perf-text", "--num-records", "1000", "--record-size", "10");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(run.OutLines, l => TopicCommandTests.Cells(l) is ["records", "1000"]);
        Assert.Contains(run.OutLines, l => TopicCommandTests.Cells(l) is ["latency p99.9", var value] && value.EndsWith(" µs", StringComparison.Ordinal));
    }

    private static JsonElement AssertSaneResult(CliRun run, long records)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        var result = JsonDocument.Parse(Assert.Single(run.OutLines)).RootElement;
        Assert.Equal(records, result.GetProperty("records").GetInt64());
        Assert.Equal(0, result.GetProperty("errors").GetInt64());
        Assert.True(result.GetProperty("records_per_sec").GetDouble() > 0, run.Out);
        Assert.True(result.GetProperty("mb_per_sec").GetDouble() > 0, run.Out);
        var latency = result.GetProperty("latency_us");
        var ordered = new[] { "p50", "p95", "p99", "p999", "max" }.Select(p => latency.GetProperty(p).GetInt64()).ToList();
        Assert.True(ordered[0] >= 0, run.Out);
        Assert.Equal(ordered.Order(), ordered);
        return result;
    }
}
