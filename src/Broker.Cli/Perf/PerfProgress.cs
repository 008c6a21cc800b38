using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Broker.Cli.Perf;

/// <summary>
/// Shows how far a perf run is while it runs: a Spectre progress bar when stderr is a terminal, otherwise a line
/// to stderr every 5 s (as Kafka's perf tools print), so logs of scripted runs show progress without escapes.
/// </summary>
internal static class PerfProgress
{
    private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan BarInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Reports <paramref name="done"/> out of <paramref name="total"/> records until <paramref name="work"/> ends, then awaits it.</summary>
    public static async Task TrackAsync(CommandContext context, string label, long total, Func<long> done, Task work)
    {
        if (context.Streams.ErrorIsTerminal)
        {
            await context.ErrorConsole.Progress().AutoClear(true).StartAsync(async progress =>
            {
                var task = progress.AddTask(label, maxValue: total);
                while (!work.IsCompleted)
                {
                    task.Value = done();
                    await Task.WhenAny(work, Task.Delay(BarInterval, CancellationToken.None));
                }

                task.Value = done();
            });
        }
        else
        {
            var started = Stopwatch.GetTimestamp();
            long lastCount = 0;
            var lastTicks = started;
            while (!work.IsCompleted)
            {
                await Task.WhenAny(work, Task.Delay(LineInterval, CancellationToken.None));
                if (work.IsCompleted)
                {
                    break;
                }

                var count = done();
                var now = Stopwatch.GetTimestamp();
                var seconds = (now - lastTicks) / (double)Stopwatch.Frequency;
                await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{label}: {count} of {total} records, {(count - lastCount) / seconds:F0} records/s over the last {seconds:F1} s"));
                lastCount = count;
                lastTicks = now;
            }
        }

        await work;
    }
}
