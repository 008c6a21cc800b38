using Broker.Core.Errors;
using Xunit.Abstractions;

namespace Broker.Storage.Tests;

/// <summary>
/// Random sequences of one idempotent producer's appends (several batches each, sometimes from another writer in
/// between), retries of recent appends, gaps, rolls, truncations, clean restarts, crashes and restarts without
/// snapshots, against a list of the appends in the log. Every answer is compared with the list: a retry of any of the
/// last five appends is a duplicate with its original offset, a gap is refused, the next sequence is appended at the
/// log end. A failure names its seed.
/// </summary>
public class ProducerStateModelTests(ITestOutputHelper output)
{
    private const int Seeds = 25;
    private const int StepsPerSeed = 120;
    private const long Producer = 5;

    [Fact]
    public void Random_operations_agree_with_the_model() =>
        SeededRuns.ForEachSeed(output, "Producer state model test", Seeds, Run);

    private static void Run(int seed, List<string> trace)
    {
        var random = new Random(seed);
        using var dir = new TempDirectory();
        var config = TestLogs.Small with { SegmentBytes = random.Next(400, 2000) };
        var appends = new List<(int FirstSequence, long BaseOffset, byte[] Request)>();
        var nextSequence = 0;
        var log = TestLogs.Open(dir.Path, config);
        try
        {
            for (var step = 0; step < StepsPerSeed; step++)
            {
                var op = random.Next(100);
                trace.Add($"step {step} op {op}: LEO {log.LogEndOffset} next {nextSequence} appends {appends.Count} segments [{string.Join(",", log.SegmentBaseOffsets)}]");
                if (op < 40)
                {
                    var batches = Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(1, 4)).ToList();
                    var request = Request(nextSequence, batches);
                    var result = log.Append(request);
                    Assert.Equal((log.LogEndOffset - batches.Sum(), false), (result.BaseOffset, result.IsDuplicate));
                    appends.Add((nextSequence, result.BaseOffset, request));
                    nextSequence += batches.Sum();
                }
                else if (op < 60 && appends.Count > 0)
                {
                    var (_, baseOffset, request) = appends[^random.Next(1, Math.Min(5, appends.Count) + 1)];
                    var end = log.LogEndOffset;
                    var result = log.Append(request);
                    Assert.Equal((baseOffset, true), (result.BaseOffset, result.IsDuplicate));
                    Assert.Equal(end, log.LogEndOffset);
                }
                else if (op < 68)
                {
                    var gap = nextSequence + random.Next(1, 5);
                    var error = Assert.Throws<BrokerException>(() => log.Append(TestBatches.Idempotent(Producer, 0, gap))).Code;
                    Assert.Equal(nextSequence == 0 ? ErrorCode.UnknownProducerId : ErrorCode.OutOfOrderSequenceNumber, error);
                }
                else if (op < 74)
                {
                    log.Append(TestBatches.Create(random.Next(1, 3))); // another, non-idempotent writer
                }
                else if (op < 80)
                {
                    log.Roll();
                }
                else if (op < 86 && appends.Count > 0)
                {
                    var cut = random.Next(Math.Max(0, appends.Count - 3), appends.Count);
                    log.TruncateTo(appends[cut].BaseOffset);
                    nextSequence = appends[cut].FirstSequence;
                    appends.RemoveRange(cut, appends.Count - cut);
                }
                else
                {
                    log = Reopen(log, dir.Path, config, random.Next(3));
                }
            }
        }
        finally
        {
            log.Dispose();
        }
    }

    /// <summary>0: clean close; 1: crash (no snapshot at the end, recovery); 2: clean close, then every snapshot lost.</summary>
    private static PartitionLog Reopen(PartitionLog log, string directory, LogConfig config, int how)
    {
        if (how == 1)
        {
            log.Abandon();
        }
        else
        {
            log.Close();
        }

        if (how == 2)
        {
            foreach (var snapshot in Directory.GetFiles(directory, "*.snapshot"))
            {
                File.Delete(snapshot);
            }
        }

        return TestLogs.Open(directory, config, clean: how != 1);
    }

    private static byte[] Request(int firstSequence, List<int> recordCounts)
    {
        var batches = new List<byte[]>();
        var sequence = firstSequence;
        foreach (var count in recordCounts)
        {
            batches.Add(TestBatches.Idempotent(Producer, 0, sequence, count));
            sequence += count;
        }

        return TestBatches.Concat([.. batches]);
    }
}
