namespace Broker.Simulation;

public sealed record BatchResult(int SeedCount, IReadOnlyList<SimulationResult> Failures, long Ticks, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"{SeedCount} seeds, {Failures.Count} failed, {Ticks} ticks simulated in {Elapsed.TotalSeconds:F1} s"
        + (Failures.Count == 0 ? "" : $"; failing seeds: {string.Join(' ', Failures.Select(f => f.Seed))}");
}
