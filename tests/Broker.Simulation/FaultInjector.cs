namespace Broker.Simulation;

/// <summary>Crashes, restarts, partitions and changes of network weather, drawn each tick from the seed.</summary>
internal sealed class FaultInjector
{
    private readonly SimulationContext _context;
    private readonly IReadOnlyList<SimNode> _nodes;

    public FaultInjector(SimulationContext context, IReadOnlyList<SimNode> nodes)
    {
        _context = context;
        _nodes = nodes;
    }

    public int Crashes { get; private set; }

    public void Step()
    {
        var random = _context.Random;
        var options = _context.Options;
        if (random.NextDouble() < options.CrashProbabilityPerTick)
        {
            var up = _nodes.Where(n => n.IsUp).ToList();
            if (random.NextDouble() < options.CrashLeaderShare && up.Any(IsLeader))
            {
                up = up.Where(IsLeader).ToList();
            }

            if (up.Count > 0)
            {
                var victim = up[random.Next(up.Count)];
                Crashes++;
                if (random.Next(2) == 0)
                {
                    victim.CrashDuringNextWrite = true;
                }
                else
                {
                    victim.Crash();
                }
            }
        }

        foreach (var node in _nodes)
        {
            if (!node.IsUp && random.NextDouble() < options.RestartProbabilityPerTick)
            {
                node.Start();
            }
        }

        if (random.NextDouble() < options.PauseProbabilityPerTick)
        {
            var victim = _nodes[random.Next(_nodes.Count)];
            victim.PausedUntil = _context.Now + 1 + random.Next(options.PauseTicksMax);
            _context.Trace($"node {victim.Id} paused until {victim.PausedUntil}");
        }

        StepNetwork(random, options);
    }

    /// <summary>Ends every fault: heal the network, calm the weather, restart every crashed node.</summary>
    public void StopFaults()
    {
        _context.Network.Heal();
        _context.Network.Conditions = NetworkConditions.Calm;
        foreach (var node in _nodes)
        {
            node.CrashDuringNextWrite = false;
            node.PausedUntil = 0;
            if (!node.IsUp)
            {
                node.Start();
            }
        }

        _context.Trace("faults stop");
    }

    private static bool IsLeader(SimNode node) => node.IsUp && node.Raft!.Node.Role == Broker.Raft.Role.Leader;

    private void StepNetwork(Random random, SimulationOptions options)
    {
        var network = _context.Network;
        if (!network.IsPartitioned && random.NextDouble() < options.PartitionProbabilityPerTick)
        {
            var leader = _nodes.FirstOrDefault(IsLeader);
            if (leader is not null && random.NextDouble() < options.IsolateLeaderShare)
            {
                network.Isolate(leader.Id);
                _context.Trace($"leader {leader.Id} isolated");
            }
            else
            {
                network.Partition(_nodes.Select(n => n.Id).ToList());
                _context.Trace("partition forms");
            }
        }
        else if (network.IsPartitioned && random.NextDouble() < options.HealProbabilityPerTick)
        {
            network.Heal();
            _context.Trace("partition heals");
        }

        if (random.NextDouble() < options.ConditionsChangeProbabilityPerTick)
        {
            network.Conditions = new NetworkConditions
            {
                LossProbability = random.NextDouble() * options.LossProbabilityMax,
                DuplicateProbability = random.NextDouble() * 0.1,
                DelayTicksMax = 1 + random.Next(5),
                LongDelayProbability = random.NextDouble() * options.LongDelayProbabilityMax,
            };
            _context.Trace($"network now {network.Conditions}");
        }
    }
}
