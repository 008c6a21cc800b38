using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace Broker.Storage.Tests;

/// <summary>
/// <see cref="LogConfig.PageCacheWindowBytes"/>: a log drops from the page cache what lies more than the window behind
/// its end, in steps and across segments, and never loses or changes a byte by it.
/// </summary>
public partial class PageCacheWindowTests
{
    private const int Window = LogConfig.PageCacheDropStepBytes;
    private const int Step = LogConfig.PageCacheDropStepBytes;
    private const int RecordBytes = 1000;
    private const int RecordsPerBatch = 16;

    private static readonly LogConfig Config = TestLogs.Small with
    {
        SegmentBytes = 6 << 20,
        IndexIntervalBytes = 4096,
        IndexBytesMax = 1 << 20,
        PageCacheWindowBytes = Window,
    };

    [Theory]
    [InlineData(6 << 20)] // segments larger than the window: it trails the end inside the active segment
    [InlineData(300 << 10)] // segments smaller than the window: it spans several, and older ones go whole
    public void The_window_trails_the_end_in_steps_across_segments(int segmentBytes)
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, Config with { SegmentBytes = segmentBytes });
        var batchBytes = TestBatches.Create(RecordsPerBatch, RecordBytes).Length;
        var marks = new List<int> { 0 };
        var rolled = false;
        while (LogBytes(log) < 9 << 20)
        {
            log.Append(TestBatches.Create(RecordsPerBatch, RecordBytes));
            if (!rolled && LogBytes(log) > 5 << 20 && segmentBytes > Window)
            {
                log.Roll(); // by hand, in the middle: the window reaches back into the previous segment
                rolled = true;
            }

            // What is still cached is the window, give or take one step, a page and the batch just appended.
            if (LogBytes(log) >= Window)
            {
                Assert.InRange(CachedBytes(log), Window, Window + Step + Environment.SystemPageSize + batchBytes);
            }

            var segments = log.Segments;
            for (var i = 0; i < segments.Count; i++)
            {
                var segment = segments[i];
                Assert.InRange(segment.CachedFrom, 0, segment.Size);
                Assert.True(segment.CachedFrom == segment.Size || segment.CachedFrom % Environment.SystemPageSize == 0, "a drop inside a segment ends on a page");
            }

            var first = segments[0];
            if (first.CachedFrom != marks[^1] && first.CachedFrom != first.Size)
            {
                marks.Add(first.CachedFrom);
            }
        }

        Assert.True(log.Segments.Count > 1);
        Assert.All(marks.Zip(marks.Skip(1)), step => Assert.True(step.Second - step.First >= Step, $"a step of {step.Second - step.First} bytes"));
        Assert.Contains(log.Segments.AsSpan().ToArray(), s => s.CachedFrom == s.Size && s.Size > 0);

        // Dropping is a cache matter only: every batch reads back.
        var read = log.ReadAll(0);
        Assert.Equal(log.LogEndOffset / RecordsPerBatch, read.Count);
        Assert.Equal(Enumerable.Range(0, read.Count).Select(i => (long)i * RecordsPerBatch), read.Select(b => b.BaseOffset));
        Assert.All(read, b => Assert.Equal(batchBytes, b.Bytes.Length));
    }

    [Fact]
    public void A_truncation_below_the_dropped_range_moves_the_window_back()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, Config);
        var segment = log.Segments[0];
        while (segment.Size < Window + (2 * Step))
        {
            log.Append(TestBatches.Create(RecordsPerBatch, RecordBytes));
        }

        Assert.True(segment.CachedFrom > 0, "nothing was dropped");

        log.TruncateTo(RecordsPerBatch * 4);
        Assert.InRange(segment.CachedFrom, 0, segment.Size);
        Assert.Equal(0, segment.CachedFrom % Environment.SystemPageSize);
        log.Append(TestBatches.Create(RecordsPerBatch, RecordBytes));
        Assert.Equal(5, log.ReadAll(0).Count);
        Assert.Equal(RecordsPerBatch * 5, log.LogEndOffset);
    }

    [Fact]
    public void Written_back_pages_behind_the_window_leave_the_page_cache()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // nothing is dropped elsewhere
        }

        using var dir = new TempDirectory();
        if (!FileSystemDropsCleanPages(dir.Combine("probe")))
        {
            // tmpfs and the like keep file pages in memory whatever is asked: only the marks above can be checked.
            return;
        }

        using var log = TestLogs.Open(dir.Path, Config);
        var segment = log.Segments[0];
        while (segment.Size < 4 << 20)
        {
            log.Append(TestBatches.Create(RecordsPerBatch, RecordBytes));
            log.Flush(); // clean pages: a dirty page is not dropped (it is written back first, then kept)
        }

        Assert.True(segment.CachedFrom >= 2 << 20, $"only {segment.CachedFrom} bytes were dropped");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        double droppedResident;
        while ((droppedResident = ResidentShare(segment.LogPath, 0, segment.CachedFrom)) > 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20); // the writeback thread makes the calls
        }

        Assert.Equal(0, droppedResident);
        Assert.Equal(1, ResidentShare(segment.LogPath, segment.CachedFrom + Environment.SystemPageSize, segment.Size - segment.CachedFrom - (2 * Environment.SystemPageSize)));
    }

    private static long LogBytes(PartitionLog log) => log.Segments.AsSpan().ToArray().Sum(s => (long)s.Size);

    private static long CachedBytes(PartitionLog log) => log.Segments.AsSpan().ToArray().Sum(s => (long)(s.Size - s.CachedFrom));

    /// <summary>Whether a clean page of a file here leaves the cache when asked (not on tmpfs).</summary>
    private static bool FileSystemDropsCleanPages(string path)
    {
        using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            RandomAccess.Write(file, new byte[Environment.SystemPageSize * 4], 0);
            RandomAccess.FlushToDisk(file);
            _ = PosixFadvise((int)file.DangerousGetHandle(), 0, 0, 4);
        }

        return ResidentShare(path, 0, Environment.SystemPageSize * 4) == 0;
    }

    /// <summary>The share of the file's pages in [offset, offset + length) that are in the page cache (mincore of a
    /// read-only mapping that touches none of them).</summary>
    private static double ResidentShare(string path, long offset, long length)
    {
        using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        var page = Environment.SystemPageSize;
        var first = offset / page;
        var pages = (int)((offset + length + page - 1) / page - first);
        var vector = new byte[pages];
        var address = view.SafeMemoryMappedViewHandle.DangerousGetHandle() + (nint)(first * page);
        Assert.Equal(0, Mincore(address, (nuint)(pages * page), vector));
        return vector.Count(v => (v & 1) != 0) / (double)pages;
    }

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int PosixFadvise(int fd, long offset, long count, int advice);

    [LibraryImport("libc", EntryPoint = "mincore", SetLastError = true)]
    private static partial int Mincore(nint address, nuint length, [Out] byte[] vector);
}
