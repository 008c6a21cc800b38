using System.Buffers.Binary;
using Broker.Raft;

namespace Broker.Simulation;

/// <summary>The clients: proposals, linearizable reads, leadership transfers and membership changes.</summary>
internal sealed class Workload
{
    private readonly SimulationContext _context;
    private readonly IReadOnlyList<SimNode> _nodes;
    private long _proposals;
    private long _reads;

    public Workload(SimulationContext context, IReadOnlyList<SimNode> nodes)
    {
        _context = context;
        _nodes = nodes;
    }

    public void Step(bool faultsStopped)
    {
        var random = _context.Random;
        var options = _context.Options;
        if (random.NextDouble() < options.ProposeProbabilityPerTick && PickLeader() is { } leader)
        {
            var batch = new ReadOnlyMemory<byte>[1 + random.Next(3)];
            for (var i = 0; i < batch.Length; i++)
            {
                batch[i] = Payload('p', ++_proposals);
            }

            leader.Raft!.Propose(batch);
            leader.Process();
        }

        if (random.NextDouble() < options.ReadProbabilityPerTick)
        {
            var up = _nodes.Where(n => n.IsRunning(_context.Now)).ToList();
            if (up.Count == 0)
            {
                return;
            }

            var reader = up[random.Next(up.Count)];
            var context = ++_reads;
            _context.Checker.OnReadRequested(reader.Id, context);
            reader.Raft!.ReadIndex(context);
            reader.Process();
        }

        if (!faultsStopped)
        {
            MaybeTransfer(random, options);
            MaybeChangeMembership(random, options);
        }
    }

    /// <summary>Some node that believes it leads (there may be a stale one), or null.</summary>
    public SimNode? PickLeader()
    {
        var leaders = _nodes.Where(n => n.IsRunning(_context.Now) && n.Raft!.Node.Role == Role.Leader).ToList();
        return leaders.Count == 0 ? null : leaders[_context.Random.Next(leaders.Count)];
    }

    public static ReadOnlyMemory<byte> Payload(char kind, long number)
    {
        var bytes = new byte[9];
        bytes[0] = (byte)kind;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(1), number);
        return bytes;
    }

    private void MaybeTransfer(Random random, SimulationOptions options)
    {
        if (random.NextDouble() >= options.TransferProbabilityPerTick || PickLeader() is not { } leader)
        {
            return;
        }

        var voters = leader.Raft!.Node.Tracker.Config.Voters;
        var target = voters[random.Next(voters.Count)];
        _context.Trace($"transfer {leader.Id} -> {target}");
        leader.Raft.TransferLeadership(target);
        leader.Process();
    }

    private void MaybeChangeMembership(Random random, SimulationOptions options)
    {
        if (random.NextDouble() >= options.ConfChangeProbabilityPerTick || PickLeader() is not { } leader)
        {
            return;
        }

        var config = leader.Raft!.Node.Tracker.Config;
        var candidates = new List<ConfChange>();
        foreach (var node in _nodes)
        {
            if (!config.IsVoter(node.Id) && config.Voters.Count < 5)
            {
                candidates.Add(new ConfChange(ConfChangeType.AddVoter, node.Id));
            }

            if (!config.IsMember(node.Id))
            {
                candidates.Add(new ConfChange(ConfChangeType.AddObserver, node.Id));
            }

            // Without pre-vote or the leader lease, a removed voter that never hears of its removal disrupts the
            // group forever with new elections (Raft dissertation, section 4.2.3); such seeds do not remove voters.
            var canRemoveVoters = (options.PreVote || options.CheckQuorum) && config.Voters.Count > 2;
            if (node.Id != leader.Id && (config.IsObserver(node.Id) || (config.IsVoter(node.Id) && canRemoveVoters)))
            {
                candidates.Add(new ConfChange(ConfChangeType.RemoveNode, node.Id));
            }

            if (node.Id != leader.Id && config.IsVoter(node.Id) && canRemoveVoters)
            {
                // Demotion: the voter stays as an observer.
                candidates.Add(new ConfChange(ConfChangeType.AddObserver, node.Id));
            }
        }

        if (candidates.Count > 0)
        {
            var change = candidates[random.Next(candidates.Count)];
            var result = leader.Raft.ProposeConfChange(change);
            _context.Trace($"{change} at leader {leader.Id}: {result}");
            leader.Process();
        }
    }
}
