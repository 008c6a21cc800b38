using System.Text;
using Broker.Raft;

namespace Broker.Raft.Tests.Scenarios;

/// <summary>
/// The nodes of a scenario and a network under the script's full control: messages wait in a queue until
/// a <c>deliver</c> round; partitions and crashed nodes drop them. Everything is deterministic: election
/// timeouts draw from a random source seeded with the node id, and nothing ticks unless told to.
/// </summary>
internal sealed class ScenarioCluster
{
    private readonly SortedDictionary<int, ScenarioNode> _nodes = [];
    private readonly Dictionary<int, int> _partitionOf = [];
    private List<Message> _queue = [];

    public ScenarioCluster(Func<RaftConfig, RaftConfig> configure)
    {
        Configure = configure;
    }

    public Func<RaftConfig, RaftConfig> Configure { get; }

    public IEnumerable<ScenarioNode> Nodes => _nodes.Values;

    public IReadOnlyList<Message> Queue => _queue;

    public ScenarioNode this[int id] => _nodes.TryGetValue(id, out var node) ? node : throw new ArgumentException($"no node {id}");

    public ScenarioNode Add(int id)
    {
        var node = new ScenarioNode(id, (nodeId, applied) => Configure(new RaftConfig
        {
            Id = nodeId,
            Random = new Random(nodeId),
            Applied = applied,
        }));
        _nodes[id] = node;
        return node;
    }

    public void ProcessAll()
    {
        foreach (var node in _nodes.Values)
        {
            _queue.AddRange(node.Process());
        }
    }

    /// <summary>One round: every Ready is carried out, then every message queued so far is delivered (or dropped).
    /// Messages the deliveries produce wait for the next round. Returns how many were delivered.</summary>
    public int DeliverRound(StringBuilder? trace)
    {
        ProcessAll();
        var due = _queue;
        _queue = [];
        var delivered = 0;
        foreach (var message in due)
        {
            var to = _nodes.GetValueOrDefault(message.To);
            var dropped = to?.Raft is null || !CanReach(message.From, message.To);
            trace?.AppendLine($"{(dropped ? "drop" : "deliver")} {Describe(message)}");
            if (!dropped)
            {
                to!.Raft!.Step(message);
                delivered++;
            }
        }

        ProcessAll();
        return delivered;
    }

    public void Stabilize(StringBuilder? trace)
    {
        ProcessAll();
        for (var round = 0; _queue.Count > 0; round++)
        {
            if (round > 1000)
            {
                throw new InvalidOperationException("The cluster did not stabilise within 1000 rounds.");
            }

            DeliverRound(trace);
        }
    }

    public void Partition(IReadOnlyList<IReadOnlyList<int>> groups)
    {
        _partitionOf.Clear();
        for (var group = 0; group < groups.Count; group++)
        {
            foreach (var id in groups[group])
            {
                _partitionOf[id] = group + 1;
            }
        }
    }

    public void Heal() => _partitionOf.Clear();

    public static string Describe(Message m)
    {
        var text = new StringBuilder($"{m.Type} {m.From}->{m.To} term={m.Term}");
        switch (m.Type)
        {
            case MessageType.Append:
                text.Append($" prev={m.LogTerm}/{m.Index} commit={m.Commit} entries=[{string.Join(' ', m.Entries.Select(e => $"{e.Term}/{e.Index}"))}]");
                break;
            case MessageType.AppendResponse:
                text.Append(m.Reject ? $" reject={m.Index} hint={m.LogTerm}/{m.RejectHint}" : $" index={m.Index}");
                break;
            case MessageType.Vote or MessageType.PreVote:
                text.Append($" last={m.LogTerm}/{m.Index}");
                break;
            case MessageType.VoteResponse or MessageType.PreVoteResponse:
                text.Append(m.Reject ? " reject" : " grant");
                break;
            case MessageType.Heartbeat:
                text.Append($" commit={m.Commit}");
                break;
            case MessageType.InstallSnapshot:
                text.Append($" snapshot={m.Snapshot!.Term}/{m.Snapshot.Index}");
                break;
            case MessageType.ReadIndex or MessageType.ReadIndexResponse:
                text.Append($" index={m.Index} context={m.Context}");
                break;
        }

        return text.ToString();
    }

    private bool CanReach(int from, int to) =>
        _partitionOf.GetValueOrDefault(from) == _partitionOf.GetValueOrDefault(to);
}
