using Broker.Raft;

namespace Broker.Simulation;

public class SimulationTests
{
    /// <summary>The CI batch: seeds 1..2000 under the default fault profile. A failure names its seeds and the
    /// command that replays each.</summary>
    [Fact]
    public void Two_thousand_seeds_keep_every_safety_and_liveness_property()
    {
        var batch = SeedRunner.RunBatch(firstSeed: 1, count: 2000, new SimulationOptions());
        Assert.True(
            batch.Failures.Count == 0,
            string.Join('\n', batch.Failures.Select(f => $"{f}\n  replay: dotnet run --project tests/Broker.Simulation -- --seed {f.Seed} --trace")));
    }

    [Fact]
    public void A_seed_replays_event_for_event()
    {
        var first = new List<string>();
        var second = new List<string>();
        var a = SeedRunner.RunOne(17, new SimulationOptions(), first.Add);
        var b = SeedRunner.RunOne(17, new SimulationOptions(), second.Add);
        Assert.Equal(a, b);
        Assert.True(first.Count > 1000, $"a traced run has thousands of events, got {first.Count}");
        Assert.Equal(first, second);
    }

    [Fact]
    public void Different_seeds_explore_different_runs()
    {
        var first = new List<string>();
        var second = new List<string>();
        SeedRunner.RunOne(17, new SimulationOptions(), first.Add);
        SeedRunner.RunOne(18, new SimulationOptions(), second.Add);
        Assert.NotEqual(first, second);
    }

    /// <summary>The planted bug of the issue: a candidate counts grants that carry an older term. Under the
    /// election-storm profile (no pre-vote or lease, many held messages) some seed must end with two leaders
    /// in one term, and that same seed must pass without the bug.</summary>
    [Fact]
    public void Counting_votes_from_an_older_term_is_caught_as_two_leaders_in_one_term() =>
        AssertCaught(PlantedBug.CountVotesFromOlderTerms, seeds: 500, "election safety");

    /// <summary>Figure 8's error: the checkers see a new leader without an entry another leader committed.</summary>
    [Fact]
    public void Committing_an_older_term_entry_by_counting_is_caught() =>
        AssertCaught(PlantedBug.CommitOlderTermEntriesByCounting, seeds: 1500, "leader completeness", "state machine safety");

    private static void AssertCaught(PlantedBug bug, int seeds, params string[] violations)
    {
        var buggy = SimulationOptions.ElectionStorm with { PlantedBug = bug };
        var batch = SeedRunner.RunBatch(firstSeed: 1, seeds, buggy);
        var caught = batch.Failures.Where(f => violations.Any(v => f.Failure!.StartsWith(v, StringComparison.Ordinal))).ToList();
        Assert.True(caught.Count > 0, $"{bug} went unnoticed over {seeds} seeds: {batch}");

        var seed = caught[0].Seed;
        var clean = SeedRunner.RunOne(seed, SimulationOptions.ElectionStorm);
        Assert.True(clean.Passed, $"seed {seed} fails even without {bug}: {clean}");
    }
}
