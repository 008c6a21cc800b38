using BenchmarkDotNet.Attributes;

namespace Broker.Benchmarks.Raft;

/// <summary>
/// Proposals committed per second by a 3-node group over the in-memory transport, one proposal at a time
/// (BatchSize 1: each waits for its commit, so the time per operation is also the commit latency) and
/// batched (BatchSize proposals per Propose call and per append). Reported per proposal.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RaftCommitBenchmarks
{
    private const int ProposalsPerInvoke = 1024;
    private RaftGroupHarness _group = null!;
    private ReadOnlyMemory<byte>[] _batch = [];

    [Params(1, 16, 256)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _group = new RaftGroupHarness();
        _batch = Enumerable.Range(0, BatchSize).Select(_ => (ReadOnlyMemory<byte>)new byte[64]).ToArray();

        // Ticks per commit do not depend on the machine; print them once for the results file.
        var ticks = 0;
        for (var i = 0; i < 100; i++)
        {
            ticks += _group.ProposeAndCommit(_batch);
        }

        Console.WriteLine($"// RaftCommit BatchSize={BatchSize}: {ticks / 100.0:F2} ticks from propose to commit at the leader");
    }

    [Benchmark(OperationsPerInvoke = ProposalsPerInvoke)]
    public long CommitProposals()
    {
        long ticks = 0;
        for (var proposed = 0; proposed < ProposalsPerInvoke; proposed += BatchSize)
        {
            ticks += _group.ProposeAndCommit(_batch);
        }

        return ticks;
    }
}
