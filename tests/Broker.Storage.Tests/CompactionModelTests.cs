using Broker.Core.Compression;
using Xunit.Abstractions;

namespace Broker.Storage.Tests;

/// <summary>
/// Random keyed appends (some compressed, some tombstones), rolls, compactions under random upper bounds with small
/// offset maps, truncations, time passing, clean and crash reopens, checked against a model of every record ever
/// appended. After every step: each surviving record is the original one (same offset, key, value, timestamp);
/// each key's latest record survives (a tombstone may go once it expired); below the cleaner checkpoint no key
/// appears twice; the active segment is untouched; the LEO is where appends and truncations put it. A failure names
/// its seed.
/// </summary>
public class CompactionModelTests(ITestOutputHelper output)
{
    private const int Seeds = 30;
    private const int StepsPerSeed = 100;
    private const long DeleteRetentionMs = 5_000;

    [Fact]
    public void Random_keyed_appends_and_compactions_agree_with_the_model() =>
        SeededRuns.ForEachSeed(output, "Compaction model test", Seeds, Run);

    private static void Run(int seed, List<string> trace)
    {
        var random = new Random(seed);
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider();
        var config = Keyed.Config with { SegmentBytes = random.Next(400, 2000), IndexIntervalBytes = random.Next(1, 300), DeleteRetentionMs = DeleteRetentionMs };
        var model = new SortedDictionary<long, KeyedRecord>();
        var batchLast = new Dictionary<long, long>();
        var expectedEnd = 0L;
        var highWatermark = 0L;
        var keys = random.Next(3, 30);
        var log = TestLogs.Open(dir.Path, config, time);
        try
        {
            for (var step = 0; step < StepsPerSeed; step++)
            {
                var op = random.Next(100);
                trace.Add($"step {step} op {op}: LEO {log.LogEndOffset} checkpoint {log.CleanerCheckpoint} segments [{string.Join(",", log.SegmentBaseOffsets)}]");
                if (op < 55)
                {
                    expectedEnd = Append(log, model, batchLast, random, keys, time.NowMs);
                }
                else if (op < 62)
                {
                    log.Roll();
                }
                else if (op < 80)
                {
                    var bound = random.Next(2) == 0 ? random.NextInt64(Math.Max(highWatermark, log.LogStartOffset), log.LogEndOffset + 1) : log.LogEndOffset;
                    highWatermark = Math.Max(highWatermark, bound);
                    var cleaner = CleanerConfig.Default with { OffsetMapBytesMax = random.Next(2) == 0 ? CleanerConfig.OffsetMapBytesMin * 2 : CleanerConfig.OffsetMapBytesMaxDefault };
                    var activeBase = log.SegmentBaseOffsets[^1];
                    var activeBefore = Keyed.Records(log).Where(r => r.Offset >= activeBase).ToList();
                    var result = log.Compact(bound, cleaner);
                    trace.Add($"  compacted to {bound}: {result}");
                    Assert.Equal(activeBefore, Keyed.Records(log).Where(r => r.Offset >= activeBase));
                }
                else if (op < 85)
                {
                    // Whole batches go. As in replication, truncation stays at or above the high watermark, the bound
                    // every compaction was given: below it a truncation could remove a key's latest record after the
                    // cleaner removed the older ones.
                    var target = random.NextInt64(Math.Max(highWatermark, log.LogStartOffset), log.LogEndOffset + 1);
                    log.TruncateTo(target);
                    highWatermark = Math.Min(highWatermark, log.LogEndOffset); // a batch may straddle it
                    if (target < expectedEnd)
                    {
                        var removed = model.Keys.Where(o => batchLast[o] >= target).ToList();
                        expectedEnd = removed.Count == 0 ? target : Math.Min(target, removed.Min());
                        removed.ForEach(o => model.Remove(o));
                    }
                }
                else if (op < 90)
                {
                    time.Advance(random.Next(0, 3_000));
                }
                else if (op < 95)
                {
                    var checkpoint = log.CleanerCheckpoint;
                    log.Close();
                    log = PartitionLog.Open(dir.Path, TestLogs.Name, config, time, hadCleanShutdown: true, log.FlushedOffset, cleanerCheckpoint: checkpoint);
                }
                else
                {
                    // A crash: nothing closed cleanly; the cleaner checkpoint file may or may not have been written.
                    var (flushed, checkpoint) = (log.FlushedOffset, random.Next(2) == 0 ? log.CleanerCheckpoint : 0);
                    log.Abandon();
                    log = PartitionLog.Open(dir.Path, TestLogs.Name, config, time, hadCleanShutdown: false, flushed, cleanerCheckpoint: checkpoint);
                    Assert.Equal(0, log.RecoveredBytesTruncated);
                }

                Assert.Equal(expectedEnd, log.LogEndOffset);
                Check(log, model);
            }
        }
        finally
        {
            log.Dispose();
        }
    }

    private static long Append(PartitionLog log, SortedDictionary<long, KeyedRecord> model, Dictionary<long, long> batchLast, Random random, int keys, long nowMs)
    {
        var records = Enumerable.Range(0, random.Next(1, 5))
            .Select(_ => ($"key{random.Next(keys)}", random.Next(8) == 0 ? null : $"value{random.Next(1000)}-{new string('x', random.Next(0, 80))}"))
            .ToArray();
        var compression = random.Next(4) == 0 ? CompressionType.Gzip : CompressionType.None;
        var timestamp = nowMs - random.Next(0, 1000);
        var result = log.Append(Keyed.Batch(timestamp, compression, records));
        for (var i = 0; i < records.Length; i++)
        {
            model[result.BaseOffset + i] = new KeyedRecord(result.BaseOffset + i, records[i].Item1, records[i].Item2, timestamp);
            batchLast[result.BaseOffset + i] = result.LastOffset;
        }

        return result.LastOffset + 1;
    }

    private static void Check(PartitionLog log, SortedDictionary<long, KeyedRecord> model)
    {
        var records = Keyed.Records(log);
        for (var i = 0; i < records.Count; i++)
        {
            Assert.True(i == 0 || records[i].Offset > records[i - 1].Offset, $"offsets not increasing at {records[i].Offset}");
            Assert.True(model.TryGetValue(records[i].Offset, out var original), $"offset {records[i].Offset} is not in the model");
            Assert.Equal(original, records[i]);
        }

        var inLog = Keyed.Latest(records);
        var latest = new Dictionary<string, KeyedRecord>();
        foreach (var record in model.Values)
        {
            latest[record.Key] = record;
        }

        var present = records.ToHashSet();
        foreach (var (key, record) in latest)
        {
            if (record.Value is not null)
            {
                Assert.True(present.Contains(record), $"key {key}: its latest record at {record.Offset} is gone");
            }
            else if (inLog.TryGetValue(key, out var logValue))
            {
                // A tombstone may be gone (its horizon passed), but nothing older may show through it.
                Assert.Null(logValue);
            }
        }

        var cleaned = records.Where(r => r.Offset < log.CleanerCheckpoint).GroupBy(r => r.Key).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(cleaned.Count == 0, $"keys appearing twice below the cleaner checkpoint {log.CleanerCheckpoint}: {string.Join(",", cleaned)}");
    }
}
