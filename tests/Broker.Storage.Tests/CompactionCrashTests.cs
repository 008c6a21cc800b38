namespace Broker.Storage.Tests;

/// <summary>
/// A crash at each step of the segment swap (.cleaned written -> renamed .swap -> old segments renamed .deleted one
/// by one -> .swap renamed into place) must reopen to exactly the old or exactly the new log: every record once, at
/// its offset. The states are built from two real directories: the log before compaction and after it.
/// </summary>
public class CompactionCrashTests
{
    private const long Base = 0;

    public static TheoryData<string, int> Steps()
    {
        var steps = new TheoryData<string, int>
        {
            { "cleaned written", 0 },
            { "cleaned log written, index renamed to swap", 0 },
            { "swap renamed, nothing deleted", 0 },
            { "swap renamed, all old deleted", 0 },
            { "swap in place, old deleted", 0 },
        };
        for (var deleted = 1; deleted < 3; deleted++)
        {
            steps.Add("swap renamed, some old deleted", deleted);
        }

        return steps;
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public void A_crash_at_any_step_of_the_swap_recovers_the_old_or_the_new_log(string step, int deleted)
    {
        using var before = new TempDirectory();
        using var after = new TempDirectory();
        var time = new ManualTimeProvider();
        var (oldSegments, oldRecords) = WriteLog(before.Path, time);
        CopyDirectory(before.Path, after.Path);
        List<KeyedRecord> newRecords;
        using (var log = TestLogs.Open(after.Path, Keyed.Config, time))
        {
            log.Compact(log.LogEndOffset);
            newRecords = Keyed.Records(log);
            Assert.Equal([Base, oldSegments[^1]], log.SegmentBaseOffsets);
        }

        Assert.NotEqual(oldRecords, newRecords);
        using var crashed = new TempDirectory();
        CopyDirectory(before.Path, crashed.Path);
        var replaced = oldSegments[..^1];
        var expectNew = Stage(step, deleted, crashed.Path, after.Path, replaced);

        using var reopened = TestLogs.Open(crashed.Path, Keyed.Config, time, clean: false);
        Assert.Equal(expectNew ? newRecords : oldRecords, Keyed.Records(reopened));
        Assert.Equal(oldRecords[^1].Offset + 1, reopened.LogEndOffset);
        Assert.Empty(Directory.GetFiles(crashed.Path, "*.swap"));
        Assert.Empty(Directory.GetFiles(crashed.Path, "*.cleaned"));
        Assert.Equal(expectNew ? [Base, oldSegments[^1]] : oldSegments, reopened.SegmentBaseOffsets);
    }

    /// <summary>Arranges <paramref name="directory"/> (a copy of the old log) as a crash at <paramref name="step"/>
    /// would leave it; returns whether the swap had become durable (the new log is expected).</summary>
    private static bool Stage(string step, int deleted, string directory, string cleanedFrom, long[] replaced)
    {
        var cleanedLog = File.ReadAllBytes(LogFileNames.LogFile(cleanedFrom, Base));
        var cleanedIndex = File.ReadAllBytes(LogFileNames.IndexFile(cleanedFrom, Base));
        switch (step)
        {
            case "cleaned written":
                File.WriteAllBytes(LogFileNames.LogFile(directory, Base) + LogFileNames.CleanedSuffix, cleanedLog);
                File.WriteAllBytes(LogFileNames.IndexFile(directory, Base) + LogFileNames.CleanedSuffix, cleanedIndex);
                return false;
            case "cleaned log written, index renamed to swap":
                File.WriteAllBytes(LogFileNames.LogFile(directory, Base) + LogFileNames.CleanedSuffix, cleanedLog);
                File.WriteAllBytes(LogFileNames.IndexFile(directory, Base) + LogFileNames.SwapSuffix, cleanedIndex);
                return false;
            case "swap in place, old deleted":
                foreach (var offset in replaced)
                {
                    RenameSegment(directory, offset, LogFileNames.DeletedSuffix);
                }

                File.WriteAllBytes(LogFileNames.LogFile(directory, Base), cleanedLog);
                File.WriteAllBytes(LogFileNames.IndexFile(directory, Base) + LogFileNames.SwapSuffix, cleanedIndex);
                return true;
            default:
                File.WriteAllBytes(LogFileNames.LogFile(directory, Base) + LogFileNames.SwapSuffix, cleanedLog);
                File.WriteAllBytes(LogFileNames.IndexFile(directory, Base) + LogFileNames.SwapSuffix, cleanedIndex);
                var toDelete = step switch
                {
                    "swap renamed, nothing deleted" => 0,
                    "swap renamed, all old deleted" => replaced.Length,
                    _ => deleted,
                };
                foreach (var offset in replaced[..toDelete])
                {
                    RenameSegment(directory, offset, LogFileNames.DeletedSuffix);
                }

                return true;
        }
    }

    /// <summary>Three segments of keyed records with overwrites and a tombstone, plus an active one; closed.</summary>
    private static (long[] Segments, List<KeyedRecord> Records) WriteLog(string directory, ManualTimeProvider time)
    {
        using var log = TestLogs.Open(directory, Keyed.Config, time);
        for (var i = 0; i < 24; i++)
        {
            log.Append(Keyed.Batch(($"k{i % 5}", i == 13 ? null : $"v{i}"), ($"u{i}", "unique")));
            if (i % 8 == 7)
            {
                log.Roll();
            }
        }

        log.Append(Keyed.Batch(("k0", "active")));
        return ([.. log.SegmentBaseOffsets], Keyed.Records(log));
    }

    private static void RenameSegment(string directory, long baseOffset, string suffix)
    {
        foreach (var path in new[] { LogFileNames.LogFile(directory, baseOffset), LogFileNames.IndexFile(directory, baseOffset), LogFileNames.TimeIndexFile(directory, baseOffset) })
        {
            if (File.Exists(path))
            {
                File.Move(path, path + suffix);
            }
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var path in Directory.GetFiles(from))
        {
            File.Copy(path, Path.Combine(to, Path.GetFileName(path)), overwrite: true);
        }
    }
}
