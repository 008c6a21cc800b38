using System.Buffers.Binary;
using Broker.Raft;

namespace Broker.Simulation;

/// <summary>
/// The liveness check: after faults stop, a leader must emerge and a proposal made after that moment must
/// be applied by every voter, within <see cref="SimulationOptions.LivenessTicksMax"/> ticks. A marker is
/// proposed to whichever node leads, and proposed again if it has not landed within an election timeout
/// (the leader that took it may have been deposed and the entry lost, which Raft allows).
/// </summary>
internal sealed class Liveness
{
    private readonly SimulationContext _context;
    private readonly IReadOnlyList<SimNode> _nodes;
    private readonly Workload _workload;
    private readonly Dictionary<long, HashSet<int>> _appliedBy = [];
    private long _startedAt;
    private long _lastMarker;
    private long _lastMarkerAt;

    public Liveness(SimulationContext context, IReadOnlyList<SimNode> nodes, Workload workload)
    {
        _context = context;
        _nodes = nodes;
        _workload = workload;
        context.Applied += OnApplied;
    }

    public void Start() => _startedAt = _context.Now;

    /// <summary>True once shown; throws when the bound passes first.</summary>
    public bool Check()
    {
        if (_context.Now - _startedAt > _context.Options.LivenessTicksMax)
        {
            throw new InvariantViolation(
                $"liveness: {_context.Options.LivenessTicksMax} ticks after faults stopped, no proposal was applied by every voter ({Describe()})");
        }

        if (_workload.PickLeader() is not { } leader)
        {
            return false;
        }

        var voters = leader.Raft!.Node.Tracker.Config.Voters;
        if (_appliedBy.Values.Any(applied => voters.All(applied.Contains)))
        {
            return true;
        }

        if (_lastMarker == 0 || _context.Now - _lastMarkerAt > _context.Options.ElectionTicks)
        {
            _lastMarker++;
            _lastMarkerAt = _context.Now;
            _appliedBy[_lastMarker] = [];
            leader.Raft.Propose(Workload.Payload('L', _lastMarker));
            leader.Process();
        }

        return false;
    }

    private void OnApplied(int node, Entry entry)
    {
        var data = entry.Data.Span;
        if (data.Length == 9 && data[0] == (byte)'L'
            && _appliedBy.TryGetValue(BinaryPrimitives.ReadInt64LittleEndian(data[1..]), out var applied))
        {
            applied.Add(node);
        }
    }

    private string Describe() => string.Join("; ", _nodes.Select(n => n.IsUp
        ? $"{n.Id}: {n.Raft!.Node.Role} t{n.Raft.Node.Term} commit {n.Raft.Node.Log.Committed} last {n.Raft.Node.Log.LastIndex} applied {n.Applied} conf {n.Raft.Node.Tracker.Config}"
        : $"{n.Id}: down"));
}
