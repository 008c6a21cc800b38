using Xunit.Abstractions;

namespace Broker.Storage.Tests;

/// <summary>Runs a randomized test once per seed; on a failure prints the seed and the last steps of its trace, so
/// the run can be replayed from that seed.</summary>
internal static class SeededRuns
{
    private const int TraceStepsShown = 25;

    public static void ForEachSeed(ITestOutputHelper output, string name, int seeds, Action<int, List<string>> run)
    {
        for (var seed = 1; seed <= seeds; seed++)
        {
            var trace = new List<string>();
            try
            {
                run(seed, trace);
            }
            catch (Exception)
            {
                output.WriteLine($"{name} failed with seed {seed}. Last steps:");
                trace.TakeLast(TraceStepsShown).ToList().ForEach(output.WriteLine);
                throw;
            }
        }
    }
}
