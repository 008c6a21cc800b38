using System.Globalization;
using Broker.Cli.Output;

namespace Broker.Cli.Perf;

/// <summary>Prints a <see cref="PerfResult"/>: one JSON object (the shape docs/cli.md promises), or a table.</summary>
internal static class PerfReport
{
    public static void Print(CommandContext context, string title, PerfResult result)
    {
        var latency = result.Latency;
        if (context.Json)
        {
            JsonLineWriter.WriteOne(context.Out, json =>
            {
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
            });
            return;
        }

        context.Out.WriteLine(title);
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
