using Broker.Core.Records;
using Xunit.Abstractions;

namespace Broker.Storage.Tests;

/// <summary>
/// Random sequences of appends, rolls, reads, truncations, retention, flushes, clean reopens and crash reopens
/// (with torn unflushed tails) against a list of batches; every read is compared with the list. A failure names
/// its seed: rerun <see cref="Run"/> with it to replay.
/// </summary>
public class ModelBasedTests(ITestOutputHelper output)
{
    private const int Seeds = 60;
    private const int StepsPerSeed = 150;

    [Fact]
    public void Random_operations_agree_with_the_model() =>
        SeededRuns.ForEachSeed(output, "Model-based test", Seeds, Run);

    private static void Run(int seed, List<string> trace)
    {
        var random = new Random(seed);
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider();
        var config = TestLogs.Small with
        {
            SegmentBytes = random.Next(600, 3000),
            IndexIntervalBytes = random.Next(1, 400),
            IndexBytesMax = random.Next(2, 12) * TimeIndex.EntryBytes,
        };
        var model = new List<(long Base, long Last, byte[] Bytes, long Timestamp)>();
        var log = TestLogs.Open(dir.Path, config, time);
        var timestamp = 1_000L;
        try
        {
            for (var step = 0; step < StepsPerSeed; step++)
            {
                var op = random.Next(100);
                trace.Add($"step {step} op {op}: LSO {log.LogStartOffset} LEO {log.LogEndOffset} flushed {log.FlushedOffset} segments [{string.Join(",", log.SegmentBaseOffsets)}]");
                if (op < 45)
                {
                    var count = random.Next(1, 4);
                    var request = TestBatches.Concat([.. Enumerable.Range(0, count).Select(_ => TestBatches.Create(random.Next(1, 5), random.Next(0, 200), timestamp += random.Next(0, 50), (byte)random.Next(256)))]);
                    var result = log.AppendAsLeader(request, 0);
                    Assert.Equal(ExpectedEnd(model, log), result.BaseOffset);
                    foreach (var batch in request.Batches())
                    {
                        model.Add((batch.BaseOffset, batch.LastOffset, batch.Bytes, RecordBatchHeader.Read(batch.Bytes).MaxTimestamp));
                    }
                }
                else if (op < 65)
                {
                    CheckRead(log, model, random);
                }
                else if (op < 70)
                {
                    log.Roll();
                }
                else if (op < 75)
                {
                    var target = random.NextInt64(log.LogStartOffset, log.LogEndOffset + 1);
                    log.TruncateTo(target);
                    model.RemoveAll(b => b.Last >= target);
                }
                else if (op < 80)
                {
                    log.UpdateHighWatermark(log.LogEndOffset);
                    var before = random.NextInt64(log.LogStartOffset, log.LogEndOffset + 1);
                    Assert.Equal(before, log.DeleteRecordsBefore(before));
                }
                else if (op < 84)
                {
                    log.UpdateConfig(log.Config with { RetentionBytes = random.Next(0, 4000) });
                    log.DeleteOldSegments();
                    log.UpdateConfig(log.Config with { RetentionBytes = LogConfig.Unlimited });
                    Assert.True(log.LogStartOffset >= log.SegmentBaseOffsets[0]);
                }
                else if (op < 88)
                {
                    var ts = random.NextInt64(900, timestamp + 100);
                    var expected = model.FirstOrDefault(b => b.Last >= log.LogStartOffset && b.Timestamp >= ts);
                    var found = log.FindOffsetByTimestamp(ts);
                    Assert.Equal(expected.Bytes is null ? null : new TimestampOffset(expected.Timestamp, Math.Max(expected.Base, log.LogStartOffset)), found);
                }
                else if (op < 91)
                {
                    log.Flush();
                }
                else if (op < 95)
                {
                    var (start, hw) = (log.LogStartOffset, log.HighWatermark);
                    log.Close();
                    log = PartitionLog.Open(dir.Path, TestLogs.Name, config, time, hadCleanShutdown: true, log.FlushedOffset, start, hw);
                    Assert.Equal(0, log.SegmentsRecovered);
                }
                else
                {
                    log = CrashAndReopen(trace, log, model, random, dir.Path, config, time);
                }

                Assert.Equal(ExpectedEnd(model, log), log.LogEndOffset);
            }

            CheckEverything(log, model);
        }
        finally
        {
            log.Dispose();
        }
    }

    /// <summary>The model keeps batches below the log start (their bytes stay in the oldest segment, which the
    /// torn-tail arithmetic needs); the LEO is after the last batch, or the log start when that is later.</summary>
    private static long ExpectedEnd(List<(long Base, long Last, byte[] Bytes, long Timestamp)> model, PartitionLog log) =>
        model.Count == 0 || model[^1].Last < log.LogStartOffset ? log.LogStartOffset : model[^1].Last + 1;

    private static void CheckRead(PartitionLog log, List<(long Base, long Last, byte[] Bytes, long Timestamp)> model, Random random)
    {
        var offset = random.NextInt64(log.LogStartOffset, log.LogEndOffset + 1);
        var maxBytes = random.Next(0, 2000);
        var result = log.Read(offset, maxBytes);
        if (offset == log.LogEndOffset)
        {
            Assert.True(result.IsEmpty);
            return;
        }

        var got = result.Bytes().Batches();
        var first = model.FindIndex(b => b.Last >= offset);
        Assert.NotEmpty(got);
        Assert.True(got.Count == 1 || result.Length <= maxBytes);
        for (var i = 0; i < got.Count; i++)
        {
            Assert.Equal(model[first + i].Bytes, got[i].Bytes);
        }

        Assert.Equal(got[^1].LastOffset + 1, result.NextOffset);
        var following = first + got.Count;
        if (following < model.Count)
        {
            // Stopping early is allowed only at maxBytes or at a segment boundary.
            var stoppedAtSegment = log.SegmentBaseOffsets.Contains(model[following].Base);
            Assert.True(stoppedAtSegment || result.Length + model[following].Bytes.Length > maxBytes);
        }
    }

    private static PartitionLog CrashAndReopen(List<string> trace, PartitionLog log, List<(long Base, long Last, byte[] Bytes, long Timestamp)> model, Random random, string directory, LogConfig config, ManualTimeProvider time)
    {
        var (flushed, start, hw) = (log.FlushedOffset, log.LogStartOffset, log.HighWatermark);
        var activeBase = log.SegmentBaseOffsets[^1];
        log.Abandon();
        if (random.Next(2) == 0)
        {
            // Tear the unflushed tail of the active segment at a random byte: only bytes after the recovery point
            // can be lost in a crash.
            var active = model.Where(b => b.Base >= activeBase).ToList();
            var safe = active.Where(b => b.Last < flushed).Sum(b => b.Bytes.Length);
            var total = active.Sum(b => b.Bytes.Length);
            var cut = random.Next(safe, total + 1);
            trace.Add($"tear at {cut} of {total}, safe {safe}");
            using (var handle = File.OpenHandle(LogFileNames.LogFile(directory, activeBase), FileMode.Open, FileAccess.ReadWrite))
            {
                RandomAccess.SetLength(handle, cut);
            }

            var kept = 0;
            foreach (var batch in active)
            {
                kept += batch.Bytes.Length;
                if (kept > cut)
                {
                    model.RemoveAll(b => b.Base >= batch.Base);
                    break;
                }
            }
        }

        var reopened = PartitionLog.Open(directory, TestLogs.Name, config, time, hadCleanShutdown: false, flushed, start, hw);
        CheckEverything(reopened, model);
        return reopened;
    }

    private static void CheckEverything(PartitionLog log, List<(long Base, long Last, byte[] Bytes, long Timestamp)> model)
    {
        var live = model.Where(b => b.Last >= log.LogStartOffset).ToList();
        var all = log.ReadAll(log.LogStartOffset, 700);
        Assert.True(live.Count == all.Count, $"model [{string.Join(",", live.Select(b => $"{b.Base}-{b.Last}"))}] log [{string.Join(",", all.Select(b => $"{b.BaseOffset}-{b.LastOffset}"))}] LSO {log.LogStartOffset} LEO {log.LogEndOffset} truncated {log.RecoveredBytesTruncated}");
        for (var i = 0; i < live.Count; i++)
        {
            Assert.Equal(live[i].Bytes, all[i].Bytes);
        }
    }
}
