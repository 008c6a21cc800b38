using Broker.Raft;

namespace Broker.Simulation;

/// <summary>
/// One deterministic run: every random draw comes from the seed, time is the tick counter, and events
/// happen in a fixed order each tick (faults, clients, deliveries, clock ticks). The same seed and options
/// replay the same run, event for event. Checkers run after every event; faults stop after
/// <see cref="SimulationOptions.FaultTicks"/> and the run then ends as soon as liveness is shown.
/// </summary>
internal sealed class Simulation
{
    private readonly int _seed;
    private readonly SimulationContext _context;
    private readonly SimNode[] _nodes;
    private readonly FaultInjector _faults;
    private readonly Workload _workload;
    private readonly Liveness _liveness;

    public Simulation(int seed, SimulationOptions options, Action<string>? trace = null)
    {
        _seed = seed;
        var random = new Random(seed);
        options = options.Randomize(random);
        _context = new SimulationContext(random, options, trace);
        var founders = new ConfState(Enumerable.Range(1, options.VoterCount), []);
        _nodes = new SimNode[options.NodeCount + 1];
        for (var id = 1; id <= options.NodeCount; id++)
        {
            _nodes[id] = new SimNode(id, _context, id <= options.VoterCount ? founders : null);
        }

        var nodes = _nodes.Skip(1).ToList();
        _faults = new FaultInjector(_context, nodes);
        _workload = new Workload(_context, nodes);
        _liveness = new Liveness(_context, nodes, _workload);
        _context.Trace($"seed {seed}: {options}");
    }

    public SimulationResult Run()
    {
        var options = _context.Options;
        try
        {
            for (_context.Now = 1; ; _context.Now++)
            {
                var faultsStopped = _context.Now > options.FaultTicks;
                if (_context.Now == options.FaultTicks + 1)
                {
                    _faults.StopFaults();
                    _liveness.Start();
                }

                if (!faultsStopped)
                {
                    _faults.Step();
                }

                _workload.Step(faultsStopped);
                Deliver();
                TickClocks();
                if (faultsStopped && _liveness.Check())
                {
                    return Result(failure: null);
                }
            }
        }
        catch (InvariantViolation violation)
        {
            return Result(violation.Message);
        }
    }

    private SimulationResult Result(string? failure) =>
        new(_seed, failure, _context.Now, _context.Checker.CommitKnownMax, _context.Checker.LeaderTerms, _faults.Crashes);

    private void Deliver()
    {
        foreach (var (message, lost) in _context.Network.TakeDue(_context.Now))
        {
            var to = _nodes[message.To];
            var from = _nodes[message.From];
            if (lost)
            {
                if (message.Type == MessageType.InstallSnapshot)
                {
                    ReportDropped(message, from, to);
                }

                continue;
            }

            if (!to.IsUp || !_context.Network.CanReach(message.From, message.To))
            {
                ReportDropped(message, from, to);
                continue;
            }

            if (to.PausedUntil > _context.Now)
            {
                _context.Network.Hold(new Envelope(message, Lost: false), to.PausedUntil);
                continue;
            }

            if (_context.IsTracing)
            {
                _context.Trace($"deliver {message}");
            }

            to.Raft!.Step(message);
            to.Process();
            if (message.Type == MessageType.InstallSnapshot && from.IsUp)
            {
                from.Raft!.ReportSnapshot(message.To, delivered: true);
                from.Process();
            }
        }
    }

    /// <summary>A real transport notices a refused connection: tell the sender, as a driver would.</summary>
    private void ReportDropped(Message message, SimNode from, SimNode to)
    {
        if (!from.IsUp)
        {
            return;
        }

        if (message.Type == MessageType.InstallSnapshot)
        {
            from.Raft!.ReportSnapshot(to.Id, delivered: false);
        }
        else
        {
            from.Raft!.ReportUnreachable(to.Id);
        }

        from.Process();
    }

    private void TickClocks()
    {
        var order = _nodes.Skip(1).Where(n => n.IsRunning(_context.Now)).ToArray();
        _context.Random.Shuffle(order);
        foreach (var node in order)
        {
            if (node.IsUp && _context.Random.NextDouble() >= _context.Options.TickSkipProbability)
            {
                node.Raft!.Tick();
                node.Process();
            }
        }
    }
}
