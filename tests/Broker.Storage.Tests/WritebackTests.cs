using Microsoft.Win32.SafeHandles;

namespace Broker.Storage.Tests;

/// <summary>
/// Early writeback (<see cref="LogConfig.WritebackBytes"/>) only asks the OS to start writing what is already in the
/// page cache: with it at every append, or off, a log must hold, truncate, roll and recover exactly the same bytes.
/// </summary>
public class WritebackTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(700)]
    public void Appends_truncation_and_reopen_read_back_the_same_batches_whatever_the_writeback_step(int writebackBytes)
    {
        using var dir = new TempDirectory();
        var config = TestLogs.Small with { WritebackBytes = writebackBytes };
        List<byte[]> written;
        using (var log = TestLogs.Open(dir.Path, config))
        {
            for (var i = 0; i < 60; i++)
            {
                log.Append(TestBatches.Create(2, 100 + i));
            }

            log.TruncateTo(70); // back into the middle of a segment: later appends restart below the writeback mark
            for (var i = 0; i < 10; i++)
            {
                log.Append(TestBatches.Create(2, 300 + i));
            }

            log.Flush();
            written = [.. log.ReadAll(0).Select(b => b.Bytes)];
        }

        using var reopened = TestLogs.Open(dir.Path, config, clean: false);
        Assert.Equal(90, reopened.LogEndOffset);
        var read = reopened.ReadAll(0);
        Assert.Equal(Enumerable.Range(0, 45).Select(i => 2L * i), read.Select(b => b.BaseOffset));
        Assert.Equal(written, read.Select(b => b.Bytes));
    }

    [Fact]
    public void Asking_for_writeback_of_a_closed_or_empty_file_is_harmless()
    {
        using var dir = new TempDirectory();
        SafeFileHandle handle;
        using (handle = File.OpenHandle(dir.Combine("f"), FileMode.Create, FileAccess.ReadWrite))
        {
            DurableFiles.StartWriteback(handle, 0, 4096); // nothing written yet
            RandomAccess.Write(handle, new byte[8192], 0);
            DurableFiles.StartWriteback(handle, 0, 8192);
        }

        DurableFiles.StartWriteback(handle, 0, 8192);
        Assert.Equal(8192, new FileInfo(dir.Combine("f")).Length);
    }
}
