namespace Broker.Raft;

/// <summary>
/// Test-only switch: deliberate violations of Raft, each removing one rule, so the simulator's checkers
/// can be shown to catch them. Internal (visible to the test assemblies only); production code cannot
/// set it, and <see cref="None"/> is the default.
/// </summary>
internal enum PlantedBug
{
    None,

    /// <summary>A candidate counts vote grants that carry an older term than its own.</summary>
    CountVotesFromOlderTerms,

    /// <summary>A leader commits entries of earlier terms by counting replicas (the Figure 8 error).</summary>
    CommitOlderTermEntriesByCounting,
}
