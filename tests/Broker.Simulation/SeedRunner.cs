using System.Collections.Concurrent;
using System.Diagnostics;

namespace Broker.Simulation;

/// <summary>Runs a batch of seeds, one independent simulation each, spread over the machine's cores.</summary>
internal static class SeedRunner
{
    public static SimulationResult RunOne(int seed, SimulationOptions options, Action<string>? trace = null) =>
        new Simulation(seed, options, trace).Run();

    /// <summary>Runs seeds [firstSeed, firstSeed + count); returns the failures in seed order.</summary>
    public static BatchResult RunBatch(int firstSeed, int count, SimulationOptions options)
    {
        var stopwatch = Stopwatch.StartNew();
        var failures = new ConcurrentBag<SimulationResult>();
        long ticks = 0;
        Parallel.For(firstSeed, firstSeed + count, seed =>
        {
            var result = RunOne(seed, options);
            Interlocked.Add(ref ticks, result.Ticks);
            if (!result.Passed)
            {
                failures.Add(result);
            }
        });

        return new BatchResult(count, failures.OrderBy(f => f.Seed).ToList(), ticks, stopwatch.Elapsed);
    }
}
