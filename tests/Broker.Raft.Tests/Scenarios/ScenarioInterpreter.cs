using System.Globalization;
using System.Text;
using Broker.Raft;
using Broker.Raft.Storage;

namespace Broker.Raft.Tests.Scenarios;

/// <summary>
/// Runs scenario commands against a <see cref="ScenarioCluster"/>. The commands:
/// <code>
/// nodes N [prevote=B] [checkquorum=B] [inflight=N] [appendbytes=N] [bug=NAME]   found a group of voters 1..N
/// add-node ID                      a node with empty storage, outside the group until added
/// set-log ID TERM,TERM,...         replace a node's storage: entry 1 is the group's config, then one entry per term
/// set-term ID TERM                 replace a node's term (and clear its vote), then restart it
/// campaign ID | tick ID [N] | tick-all [N]
/// propose ID DATA | propose-conf ID add-voter|add-observer|remove NODE | transfer ID TARGET
/// read-index ID CONTEXT | compact ID INDEX
/// deliver [verbose] | stabilize [verbose] | messages
/// partition 1 2 | 3 4 5 | isolate ID | heal | crash ID | restart ID
/// status [ID...] | log [ID...] | applied ID | reads ID
/// </code>
/// </summary>
internal sealed partial class ScenarioInterpreter
{
    private ScenarioCluster _cluster = new(c => c);
    private ConfState _founders = ConfState.Empty;

    public IReadOnlyList<string> Execute(string command)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var output = new StringBuilder();
        var args = words[1..];
        switch (words[0])
        {
            case "nodes": Nodes(args); break;
            case "add-node": _cluster.Add(Int(args[0])).Start(); break;
            case "set-log": SetLog(Int(args[0]), args[1]); break;
            case "set-term": SetTerm(Int(args[0]), Long(args[1])); break;
            case "campaign": Node(args[0]).Campaign(); _cluster.ProcessAll(); break;
            case "tick": Tick([Int(args[0])], args.Length > 1 ? Int(args[1]) : 1); break;
            case "tick-all": Tick(_cluster.Nodes.Where(n => n.Raft is not null).Select(n => n.Id).ToList(), args.Length > 0 ? Int(args[0]) : 1); break;
            case "propose": output.AppendLine(Node(args[0]).Propose(Encoding.UTF8.GetBytes(args[1])).ToString()); _cluster.ProcessAll(); break;
            case "propose-conf": output.AppendLine(ProposeConf(args)); break;
            case "transfer": Node(args[0]).TransferLeadership(Int(args[1])); _cluster.ProcessAll(); break;
            case "read-index": Node(args[0]).ReadIndex(Long(args[1])); _cluster.ProcessAll(); break;
            case "compact": Compact(Int(args[0]), Long(args[1])); break;
            case "deliver": _cluster.DeliverRound(Verbose(args, output)); break;
            case "stabilize": _cluster.Stabilize(Verbose(args, output)); break;
            case "messages": Messages(output); break;
            case "partition": _cluster.Partition(Groups(args)); break;
            case "isolate": _cluster.Partition([[Int(args[0])]]); break;
            case "heal": _cluster.Heal(); break;
            case "crash": _cluster[Int(args[0])].Crash(); break;
            case "restart": _cluster[Int(args[0])].Start(); _cluster.ProcessAll(); break;
            case "status": Status(args, output); break;
            case "log": Log(args, output); break;
            case "applied": output.AppendLine(string.Join(", ", _cluster[Int(args[0])].Applied)); break;
            case "reads": Reads(Int(args[0]), output); break;
            default: throw new FormatException($"Unknown scenario command: {command}");
        }

        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private void Nodes(string[] args)
    {
        var options = args[1..].Select(a => a.Split('=')).ToDictionary(kv => kv[0], kv => kv[1]);
        _cluster = new ScenarioCluster(config => config with
        {
            PreVote = !options.TryGetValue("prevote", out var preVote) || bool.Parse(preVote),
            CheckQuorum = !options.TryGetValue("checkquorum", out var checkQuorum) || bool.Parse(checkQuorum),
            InflightAppendsMax = options.TryGetValue("inflight", out var inflight) ? Int(inflight) : config.InflightAppendsMax,
            AppendBytesMax = options.TryGetValue("appendbytes", out var bytes) ? Long(bytes) : config.AppendBytesMax,
            PlantedBug = options.TryGetValue("bug", out var bug) ? Enum.Parse<PlantedBug>(bug) : PlantedBug.None,
        });
        var count = Int(args[0]);
        _founders = new ConfState(Enumerable.Range(1, count), []);
        for (var id = 1; id <= count; id++)
        {
            var node = _cluster.Add(id);
            RaftBootstrap.Bootstrap(node.Log, node.HardState, _founders);
            node.Start();
        }
    }

    private RawNode Node(string id) =>
        _cluster[Int(id)].Raft ?? throw new InvalidOperationException($"node {id} is down");

    private void Tick(IReadOnlyList<int> ids, int times)
    {
        for (var i = 0; i < times; i++)
        {
            foreach (var id in ids)
            {
                Node(id.ToString(CultureInfo.InvariantCulture)).Tick();
            }

            _cluster.ProcessAll();
        }
    }

    private string ProposeConf(string[] args)
    {
        var type = args[1] switch
        {
            "add-voter" => ConfChangeType.AddVoter,
            "add-observer" => ConfChangeType.AddObserver,
            "remove" => ConfChangeType.RemoveNode,
            _ => throw new FormatException($"Unknown change {args[1]}"),
        };
        var result = Node(args[0]).ProposeConfChange(new ConfChange(type, Int(args[2])));
        _cluster.ProcessAll();
        return result.ToString();
    }

    private void Compact(int id, long index)
    {
        var node = _cluster[id];
        var snapshot = node.Raft!.CreateSnapshot(index, Encoding.UTF8.GetBytes($"state@{index}"));
        var error = node.Log.Compact(snapshot);
        if (error != RaftStorageError.None)
        {
            throw new InvalidOperationException($"compact failed: {error}");
        }
    }

    private static StringBuilder? Verbose(string[] args, StringBuilder output) =>
        args.Contains("verbose") ? output : null;

    private void Messages(StringBuilder output)
    {
        foreach (var message in _cluster.Queue)
        {
            output.AppendLine(ScenarioCluster.Describe(message));
        }
    }

    private static List<IReadOnlyList<int>> Groups(string[] args) =>
        string.Join(' ', args).Split('|').Select(g => (IReadOnlyList<int>)g.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Int).ToList()).ToList();

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static long Long(string text) => long.Parse(text, CultureInfo.InvariantCulture);
}
