namespace Broker.Simulation;

/// <summary>Outcome of one seed. <see cref="Failure"/> is null when every check held.</summary>
public sealed record SimulationResult(int Seed, string? Failure, long Ticks, long CommitIndex, int LeaderTerms, int Crashes)
{
    public bool Passed => Failure is null;

    public override string ToString() => Passed
        ? $"seed {Seed}: ok after {Ticks} ticks, commit {CommitIndex}, {LeaderTerms} terms with a leader, {Crashes} crashes"
        : $"seed {Seed}: FAILED at tick {Ticks}: {Failure}";
}
