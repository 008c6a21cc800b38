using System.Globalization;
using System.Text.Json;
using Broker.Cli.Output;

namespace Broker.Cli.Perf;

/// <summary>Prints a <see cref="PerfResult"/>: one JSON object (the shape docs/cli.md promises), or a table.</summary>
internal static class PerfReport
{
    public static void Print(CommandContext context, string title, PerfResult result)
    {
        if (context.Json)
        {
            JsonLineWriter.WriteOne(context.Out, json => WriteFields(json, result));
            return;
        }

        context.Out.WriteLine(title);
        WriteTable(context, result);
    }

    /// <summary>
    /// Prints a run with <c>--warmup-records</c>: the steady state, and the whole run so that nothing measured is
    /// hidden. In JSON, still one object, whose top-level fields are the steady state's (what a script compares
    /// between runs) with <c>warmup_records</c> and a <c>whole_run</c> object added; as tables, the whole run first,
    /// then the steady state, in the order Kafka's producer perf test prints them. Without warm-up records
    /// (<paramref name="warmupRecords"/> 0) the whole run is the steady state, printed exactly as
    /// <see cref="Print(CommandContext, string, PerfResult)"/> does.
    /// </summary>
    public static void Print(CommandContext context, string title, PerfPhases phases, int recordSize, TimeSpan wholeRun, TimeSpan steadyState) =>
        Print(context, title, phases.WarmupRecords, phases.WholeRun().ToResult(recordSize, wholeRun), phases.SteadyState.ToResult(recordSize, steadyState));

    public static void Print(CommandContext context, string title, long warmupRecords, PerfResult wholeRun, PerfResult steadyState)
    {
        if (warmupRecords == 0)
        {
            Print(context, title, wholeRun);
            return;
        }

        if (context.Json)
        {
            JsonLineWriter.WriteOne(context.Out, json =>
            {
                WriteFields(json, steadyState);
                json.WriteNumber("warmup_records", warmupRecords);
                json.WriteStartObject("whole_run");
                WriteFields(json, wholeRun);
                json.WriteEndObject();
            });
            return;
        }

        context.Out.WriteLine(title);
        context.Out.WriteLine(Invariant($"whole run, including the first {warmupRecords} warm-up records:"));
        WriteTable(context, wholeRun);
        context.Out.WriteLine(Invariant($"steady state, excluding the first {warmupRecords} warm-up records:"));
        WriteTable(context, steadyState);
    }

    private static void WriteFields(Utf8JsonWriter json, PerfResult result)
    {
        var latency = result.Latency;
        json.WriteNumber("records", result.Records);
        json.WriteNumber("bytes", result.Bytes);
        json.WriteNumber("elapsed_ms", Math.Round(result.Elapsed.TotalMilliseconds, 3));
        json.WriteNumber("records_per_sec", Math.Round(result.RecordsPerSecond, 1));
        json.WriteNumber("mb_per_sec", Math.Round(result.MegabytesPerSecond, 2));
        json.WriteNumber("errors", result.Errors);
        json.WriteStartObject("latency_us");
        json.WriteNumber("p50", latency.ValueAt(0.50));
        json.WriteNumber("p95", latency.ValueAt(0.95));
        json.WriteNumber("p99", latency.ValueAt(0.99));
        json.WriteNumber("p999", latency.ValueAt(0.999));
        json.WriteNumber("max", latency.Max);
        json.WriteNumber("mean", Math.Round(latency.Mean, 1));
        json.WriteEndObject();
    }

    private static void WriteTable(CommandContext context, PerfResult result)
    {
        var latency = result.Latency;
        var table = Tables.Create(context.Console, "METRIC", "VALUE");
        Tables.AddRow(table, "records", Invariant(result.Records));
        Tables.AddRow(table, "elapsed", Invariant($"{result.Elapsed.TotalSeconds:F3} s"));
        Tables.AddRow(table, "records/s", Invariant($"{result.RecordsPerSecond:N0}"));
        Tables.AddRow(table, "MB/s", Invariant($"{result.MegabytesPerSecond:F2}"));
        Tables.AddRow(table, "errors", Invariant(result.Errors));
        foreach (var (name, quantile) in new[] { ("p50", 0.50), ("p95", 0.95), ("p99", 0.99), ("p99.9", 0.999) })
        {
            Tables.AddRow(table, $"latency {name}", Invariant($"{latency.ValueAt(quantile):N0} µs"));
        }

        Tables.AddRow(table, "latency max", Invariant($"{latency.Max:N0} µs"));
        Tables.AddRow(table, "latency mean", Invariant($"{latency.Mean:N1} µs"));
        context.Console.Write(table);
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
