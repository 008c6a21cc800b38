using System.Text.Json;
using Broker.Cli.Tests.Support;

namespace Broker.Cli.Tests;

public sealed class PerfCommandTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    private const int Records = 20_000;

    /// <summary>The fields of one result, in order: what docs/cli.md promises, and all there is without --warmup-records.</summary>
    private static readonly string[] ResultFields = ["records", "bytes", "elapsed_ms", "records_per_sec", "mb_per_sec", "errors", "latency_us"];

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

    [Fact]
    public async Task Perf_produce_with_warmup_records_reports_the_steady_state_and_the_whole_run()
    {
        Assert.Equal(0, (await broker.RunAsync("topic", "create", "perf-warm", "--partitions", "2")).ExitCode);

        // 5,000 of 20,000 among 3 producers: the shares of records (6,667/6,667/6,666) and of warm-up records
        // (1,667/1,667/1,666) both have remainders.
        var produced = await broker.RunAsync("-o", "json", "perf", "produce", "--topic", "perf-warm", "--num-records", $"{Records}",
            "--warmup-records", "5000", "--record-size", "100", "--producers", "3");
        var (steadyState, wholeRun) = AssertSaneWarmupResult(produced, Records, 5000);
        Assert.Equal((Records - 5000) * 100L, steadyState.GetProperty("bytes").GetInt64());
        Assert.Equal(Records * 100L, wholeRun.GetProperty("bytes").GetInt64());

        var paced = await broker.RunAsync("-o", "json", "perf", "produce", "--topic", "perf-warm", "--num-records", "4000",
            "--warmup-records", "1000", "--record-size", "100", "--throughput", "20000", "--producers", "2", "--linger-ms", "0");
        AssertSaneWarmupResult(paced, 4000, 1000);
    }

    [Fact]
    public async Task Perf_e2e_with_warmup_records_tells_them_apart_by_their_send_time()
    {
        Assert.Equal(0, (await broker.RunAsync("topic", "create", "perf-e2e-warm", "--partitions", "2")).ExitCode);
        var run = await broker.RunAsync("-o", "json", "perf", "e2e", "--topic", "perf-e2e-warm", "--num-records", "10000",
            "--warmup-records", "2500", "--record-size", "64", "--rate", "10000");
        var (steadyState, wholeRun) = AssertSaneWarmupResult(run, 10_000, 2500);
        Assert.Equal(7500 * 64L, steadyState.GetProperty("bytes").GetInt64());
        Assert.True(wholeRun.GetProperty("latency_us").GetProperty("p50").GetInt64() > 0, run.Out);
    }

    [Fact]
    public async Task Perf_produce_with_warmup_records_prints_the_whole_run_then_the_steady_state()
    {
        Assert.Equal(0, (await broker.RunAsync("topic", "create", "perf-warm-text")).ExitCode);
        var run = await broker.RunAsync("perf", "produce", "--topic", "perf-warm-text", "--num-records", "1000", "--record-size", "10",
            "--warmup-records", "100");
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.OutLines.ToList();
        var wholeRun = lines.IndexOf("whole run, including the first 100 warm-up records:");
        var steadyState = lines.IndexOf("steady state, excluding the first 100 warm-up records:");
        Assert.True(wholeRun >= 0 && steadyState > wholeRun, run.Out);
        Assert.Contains(lines[wholeRun..steadyState], l => TopicCommandTests.Cells(l) is ["records", "1000"]);
        Assert.Contains(lines[steadyState..], l => TopicCommandTests.Cells(l) is ["records", "900"]);
    }

    [Theory]
    [InlineData("produce", "-1", "--warmup-records must be at least 0.")]
    [InlineData("produce", "1000", "--warmup-records must be less than --num-records (1000 >= 1000): a run needs records left to measure.")]
    [InlineData("produce", "5000", "--warmup-records must be less than --num-records (5000 >= 1000): a run needs records left to measure.")]
    [InlineData("e2e", "-5", "--warmup-records must be at least 0.")]
    [InlineData("e2e", "1000", "--warmup-records must be less than --num-records (1000 >= 1000): a run needs records left to measure.")]
    public async Task Warmup_records_must_leave_records_to_measure(string command, string warmupRecords, string reason)
    {
        // Refused while parsing, before any connection: no broker needed.
        var run = await CliRun.RunAsync(["perf", command, "--topic", "t", "--num-records", "1000", "--record-size", "100", "--warmup-records", warmupRecords]);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"brokerctl: {reason.TrimEnd('.')} (see 'brokerctl --help', or add --help to the command)", Assert.Single(run.ErrorLines));
        Assert.Empty(run.Out);
    }

    [Theory]
    [InlineData("produce", "0")]
    [InlineData("produce", "999")]
    [InlineData("e2e", "999")]
    public void Warmup_records_below_num_records_are_accepted(string command, string warmupRecords)
    {
        var parse = BrokerCtl.CreateRootCommand(new CliStreams(TextReader.Null, TextWriter.Null, TextWriter.Null, OutIsTerminal: false, ErrorIsTerminal: false))
            .Parse(["perf", command, "--topic", "t", "--num-records", "1000", "--record-size", "100", "--warmup-records", warmupRecords]);
        Assert.Empty(parse.Errors);
    }

    private static JsonElement AssertSaneResult(CliRun run, long records)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        var result = JsonDocument.Parse(Assert.Single(run.OutLines)).RootElement;
        Assert.Equal(ResultFields, result.EnumerateObject().Select(p => p.Name));
        AssertSaneFields(result, records, run.Out);
        return result;
    }

    /// <summary>A run with --warmup-records: one object, the steady state at the top level, the whole run inside it.</summary>
    private static (JsonElement SteadyState, JsonElement WholeRun) AssertSaneWarmupResult(CliRun run, long records, long warmupRecords)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        var result = JsonDocument.Parse(Assert.Single(run.OutLines)).RootElement;
        Assert.Equal([.. ResultFields, "warmup_records", "whole_run"], result.EnumerateObject().Select(p => p.Name));
        Assert.Equal(warmupRecords, result.GetProperty("warmup_records").GetInt64());
        AssertSaneFields(result, records - warmupRecords, run.Out);
        var wholeRun = result.GetProperty("whole_run");
        Assert.Equal(ResultFields, wholeRun.EnumerateObject().Select(p => p.Name));
        AssertSaneFields(wholeRun, records, run.Out);

        // The whole run holds the steady state: it started no later, and its slowest record is at least as slow.
        Assert.True(wholeRun.GetProperty("elapsed_ms").GetDouble() >= result.GetProperty("elapsed_ms").GetDouble(), run.Out);
        Assert.True(wholeRun.GetProperty("latency_us").GetProperty("max").GetInt64() >= result.GetProperty("latency_us").GetProperty("max").GetInt64(), run.Out);
        return (result, wholeRun);
    }

    private static void AssertSaneFields(JsonElement result, long records, string output)
    {
        Assert.Equal(records, result.GetProperty("records").GetInt64());
        Assert.Equal(0, result.GetProperty("errors").GetInt64());
        Assert.True(result.GetProperty("records_per_sec").GetDouble() > 0, output);
        Assert.True(result.GetProperty("mb_per_sec").GetDouble() > 0, output);
        var latency = result.GetProperty("latency_us");
        var ordered = new[] { "p50", "p95", "p99", "p999", "max" }.Select(p => latency.GetProperty(p).GetInt64()).ToList();
        Assert.True(ordered[0] >= 0, output);
        Assert.Equal(ordered.Order(), ordered);
    }
}
