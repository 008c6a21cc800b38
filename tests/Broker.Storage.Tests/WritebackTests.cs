using Microsoft.Win32.SafeHandles;

namespace Broker.Storage.Tests;

/// <summary>
/// Early writeback (<see cref="LogConfig.WritebackBytes"/>) only asks the OS to start writing what is already in the
/// page cache: with it or without it a log must hold, truncate, roll and recover exactly the same bytes, and the ranges
/// it hands over are whole pages that never reach past what was written.
/// </summary>
public class WritebackTests
{
    private static readonly LogConfig Config = TestLogs.Small with
    {
        SegmentBytes = 64 * 1024,
        IndexBytesMax = 64 * 1024,
        WritebackBytes = LogConfig.WritebackBytesMin,
    };

    [Theory]
    [InlineData(0)]
    [InlineData(LogConfig.WritebackBytesMin)]
    [InlineData(3 * LogConfig.WritebackBytesMin)]
    public void Appends_truncation_and_reopen_read_back_the_same_batches_whatever_the_writeback_step(int writebackBytes)
    {
        using var dir = new TempDirectory();
        var config = Config with { WritebackBytes = writebackBytes };
        List<byte[]> written;
        using (var log = TestLogs.Open(dir.Path, config))
        {
            for (var i = 0; i < 200; i++)
            {
                log.Append(TestBatches.Create(2, 900 + i)); // about 1 KiB per record: several segments of 64 KiB
                AssertMarkWithinWholePages(log);
            }

            log.TruncateTo(290); // back into the middle of a segment: later appends restart below the mark
            AssertMarkWithinWholePages(log);
            for (var i = 0; i < 20; i++)
            {
                log.Append(TestBatches.Create(2, 300 + i));
                AssertMarkWithinWholePages(log);
            }

            log.Flush();
            written = [.. log.ReadAll(0).Select(b => b.Bytes)];
        }

        using var reopened = TestLogs.Open(dir.Path, config, clean: false);
        Assert.Equal(330, reopened.LogEndOffset);
        var read = reopened.ReadAll(0);
        Assert.Equal(Enumerable.Range(0, 165).Select(i => 2L * i), read.Select(b => b.BaseOffset));
        Assert.Equal(written, read.Select(b => b.Bytes));
    }

    [Fact]
    public void The_mark_follows_appends_in_steps_of_at_least_the_setting_and_goes_back_with_a_truncation()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, Config with { WritebackBytes = 2 * LogConfig.WritebackBytesMin });
        var segment = log.Segments[0];
        var marks = new List<int> { segment.WritebackMark };
        for (var i = 0; i < 40; i++)
        {
            log.Append(TestBatches.Create(1, 1000));
            if (segment.WritebackMark != marks[^1])
            {
                marks.Add(segment.WritebackMark);
            }
        }

        Assert.True(marks.Count >= 4, $"the mark moved only {marks.Count - 1} times over {segment.Size} bytes");
        Assert.All(marks.Zip(marks.Skip(1)), step => Assert.True(step.Second - step.First >= 2 * LogConfig.WritebackBytesMin));
        Assert.True(segment.Size - segment.WritebackMark < 3 * LogConfig.WritebackBytesMin, "the mark fell behind the appends");

        log.TruncateTo(5);
        Assert.True(segment.WritebackMark <= segment.Size);
        Assert.Equal(0, segment.WritebackMark % Environment.SystemPageSize);
    }

    [Fact]
    public void Ranges_are_handed_to_the_kernel_off_the_appending_thread_even_for_files_closed_meanwhile()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // nothing is queued elsewhere
        }

        using var dir = new TempDirectory();
        SafeFileHandle handle;
        using (handle = File.OpenHandle(dir.Combine("f"), FileMode.Create, FileAccess.ReadWrite))
        {
            RandomAccess.Write(handle, new byte[8192], 0);
            EarlyWriteback.Start(handle, 0, 8192);
            EarlyWriteback.Start(handle, 8192, 4096); // past the end: the kernel ignores it
        }

        EarlyWriteback.Start(handle, 0, 8192); // closed: dropped, never a use of a stale descriptor
        // Each queued range holds a reference on the handle until the writeback thread has made its call, so the
        // handle closes exactly when both of this test's ranges are done (other tests queue ranges meanwhile).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!handle.IsClosed && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }

        Assert.True(handle.IsClosed, "the queued ranges were never processed: the handle is still referenced");
        Assert.Equal(8192, new FileInfo(dir.Combine("f")).Length);
    }

    private static void AssertMarkWithinWholePages(PartitionLog log)
    {
        foreach (var segment in log.Segments.AsSpan())
        {
            Assert.Equal(0, segment.WritebackMark % Environment.SystemPageSize);
            Assert.InRange(segment.WritebackMark, 0, segment.Size);
        }
    }
}
