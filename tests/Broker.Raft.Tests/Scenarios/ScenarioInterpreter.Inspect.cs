using System.Text;
using Broker.Raft;
using Broker.Raft.Storage;

namespace Broker.Raft.Tests.Scenarios;

/// <summary>The commands that print state, and the ones that forge a node's storage (for the paper's figures).</summary>
internal sealed partial class ScenarioInterpreter
{
    private IEnumerable<ScenarioNode> Selected(string[] args) =>
        args.Length == 0 ? _cluster.Nodes : args.Select(a => _cluster[Int(a)]);

    private void Status(string[] args, StringBuilder output)
    {
        foreach (var node in Selected(args))
        {
            if (node.Raft is not { } raft)
            {
                output.AppendLine($"{node.Id}: down");
                continue;
            }

            var s = raft.Status;
            output.AppendLine($"{s.Id}: {s.Role} term={s.Term} vote={s.Vote} lead={s.Leader} commit={s.Commit} applied={s.Applied} last={s.LastIndex} {s.Config}");
        }
    }

    private void Log(string[] args, StringBuilder output)
    {
        foreach (var node in Selected(args))
        {
            var entries = new List<Entry>();
            node.Log.TryGetEntries(node.Log.FirstIndex, node.Log.LastIndex + 1, long.MaxValue, entries);
            var prefix = node.Log.Snapshot.IsEmpty ? "" : $"snapshot {node.Log.Snapshot.Term}/{node.Log.Snapshot.Index} | ";
            output.AppendLine($"{node.Id}: {prefix}{string.Join(' ', entries.Select(e => $"{e.Term}/{e.Index}"))}");
        }
    }

    private void Reads(int id, StringBuilder output)
    {
        var node = _cluster[id];
        output.AppendLine(node.Reads.Count == 0
            ? "none"
            : string.Join(", ", node.Reads.Select(r => $"context {r.RequestContext} at index {r.Index}")));
        node.Reads.Clear();
    }

    /// <summary>Forges node <paramref name="id"/>'s log (as the paper's figures draw them) and restarts it.</summary>
    private void SetLog(int id, string terms)
    {
        var node = _cluster[id];
        node.Crash();
        node.Log.TruncateSuffix(node.Log.FirstIndex);
        var entries = new List<Entry> { new(1, 1, EntryType.Config, _founders.Encode()) };
        foreach (var term in terms.Split(',').Select(long.Parse))
        {
            entries.Add(new Entry(entries.Count + 1, term, Encoding.UTF8.GetBytes($"t{term}")));
        }

        node.Log.Append(entries);
        var state = node.HardState.Load();
        node.HardState.Save(state with { Term = Math.Max(state.Term, entries[^1].Term), Vote = NodeId.None, Commit = 1 });
        node.Start();
    }

    private void SetTerm(int id, long term)
    {
        var node = _cluster[id];
        node.Crash();
        node.HardState.Save(node.HardState.Load() with { Term = term, Vote = NodeId.None });
        node.Start();
    }
}
