using System.Text;
using Broker.Raft;
using Broker.Raft.Storage;

namespace Broker.Raft.Tests.Scenarios;

/// <summary>
/// A node of a scenario: in-memory storage that survives <see cref="Crash"/> (every Ready is persisted
/// whole before its messages leave, so a crash between Readies loses nothing), a state machine that is
/// the list of applied data, and the driver loop.
/// </summary>
internal sealed class ScenarioNode
{
    private readonly Func<int, long, RaftConfig> _configFor;

    public ScenarioNode(int id, Func<int, long, RaftConfig> configFor)
    {
        Id = id;
        _configFor = configFor;
    }

    public int Id { get; }

    public MemoryRaftLog Log { get; } = new();

    public MemoryRaftHardState HardState { get; } = new();

    public RawNode? Raft { get; private set; }

    public List<string> Applied { get; } = [];

    public List<ReadState> Reads { get; } = [];

    public void Start()
    {
        Applied.Clear();
        Raft = new RawNode(_configFor(Id, Log.Snapshot.Index), Log, HardState);
        if (!Log.Snapshot.IsEmpty)
        {
            Applied.Add($"snapshot@{Log.Snapshot.Index}");
        }
    }

    public void Crash() => Raft = null;

    /// <summary>Carries out every pending Ready; returns the messages to send.</summary>
    public List<Message> Process()
    {
        var outgoing = new List<Message>();
        while (Raft is { } raft && raft.HasReady())
        {
            var ready = raft.GetReady();
            ReadyPersister.Persist(ready, Log, HardState);
            outgoing.AddRange(ready.Messages);
            if (ready.Snapshot is { } snapshot)
            {
                Applied.Clear();
                Applied.Add($"snapshot@{snapshot.Index}");
            }

            foreach (var entry in ready.CommittedEntries)
            {
                Applied.Add(Describe(entry));
            }

            Reads.AddRange(ready.ReadStates);
            raft.Advance(ready);
        }

        return outgoing;
    }

    public static string Describe(Entry entry) => entry.Type == EntryType.Config
        ? $"{entry.Term}/{entry.Index} conf {ConfState.Decode(entry.Data.Span)}"
        : $"{entry.Term}/{entry.Index} {(entry.Data.IsEmpty ? "<empty>" : Encoding.UTF8.GetString(entry.Data.Span))}";
}
