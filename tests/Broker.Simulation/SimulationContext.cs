using Broker.Raft;

namespace Broker.Simulation;

/// <summary>What every part of one run shares: the seed's random source, the clock, the network, the checker.</summary>
internal sealed class SimulationContext
{
    private readonly Action<string>? _trace;

    public SimulationContext(Random random, SimulationOptions options, Action<string>? trace)
    {
        Random = random;
        Options = options;
        _trace = trace;
        Network = new SimNetwork(random, options.NodeCount);
    }

    public Random Random { get; }

    public SimulationOptions Options { get; }

    public SimNetwork Network { get; }

    public SafetyChecker Checker { get; } = new();

    /// <summary>The simulated clock, in ticks; the only time there is.</summary>
    public long Now { get; set; }

    public bool IsTracing => _trace is not null;

    public event Action<int, Entry>? Applied;

    public void Trace(string line) => _trace?.Invoke($"[{Now,5}] {line}");

    public void OnApplied(int node, Entry entry) => Applied?.Invoke(node, entry);

    public RaftConfig RaftConfigFor(int id, long applied) => new()
    {
        Id = id,
        // Each node (and each restart) gets its own stream, drawn from the seed's.
        Random = new Random(Random.Next()),
        ElectionTicks = Options.ElectionTicks,
        HeartbeatTicks = Options.HeartbeatTicks,
        InflightAppendsMax = Options.InflightAppendsMax,
        AppendBytesMax = Options.AppendBytesMax,
        Applied = applied,
        PreVote = Options.PreVote,
        CheckQuorum = Options.CheckQuorum,
        PlantedBug = Options.PlantedBug,
    };
}
