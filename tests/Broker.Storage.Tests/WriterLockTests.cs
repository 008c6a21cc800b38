using System.Buffers.Binary;
using Broker.Core.Records;

namespace Broker.Storage.Tests;

/// <summary>The produce path's calls never wait for the writer lock on their caller's thread: slow paths hold it across
/// I/O (compaction's swap fsyncs the directory), and the broker makes these calls on the socket I/O thread that serves
/// every connection.</summary>
public class WriterLockTests
{
    [Fact]
    public async Task An_async_append_continues_on_the_thread_pool_while_another_thread_holds_the_writer_lock()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        log.Append(TestBatches.Create(2));
        using var holder = LockHolder.Hold(log.WriterLock);

        var append = log.AppendAsLeaderAsync(TestBatches.Create(3), leaderEpoch: 0);

        Assert.True(holder.IsHolding, "the append waited for the writer lock on its caller's thread");
        Assert.False(append.IsCompleted);
        holder.Release();
        var result = await append;
        Assert.Equal(2, result.BaseOffset);
        Assert.Equal(5, log.LogEndOffset);
    }

    [Fact]
    public async Task An_append_that_continues_later_does_not_read_the_callers_memory_after_returning()
    {
        // The broker's request memory goes back to its pool once the handler stops waiting (a closed connection).
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        var records = TestBatches.Create(3);
        var expected = records.ToArray();
        BinaryPrimitives.WriteInt32BigEndian(expected.AsSpan(RecordBatchLayout.PartitionLeaderEpochOffset), 0); // stamped by the append
        using var holder = LockHolder.Hold(log.WriterLock);

        var append = log.AppendAsLeaderAsync(records, leaderEpoch: 0);
        Assert.False(append.IsCompleted);
        Array.Fill(records, (byte)0xEE); // another request's bytes now
        holder.Release();
        await append;

        Assert.Equal(expected, log.Read(0, 1 << 20).Bytes());
    }

    [Fact]
    public async Task An_async_append_waits_for_the_fsync_after_waiting_for_the_lock_under_flush_always()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, TestLogs.Small with { Flush = FlushPolicy.Always });
        using var holder = LockHolder.Hold(log.WriterLock);

        var append = log.AppendAsLeaderAsync(TestBatches.Create(3), leaderEpoch: 0);
        holder.Release();
        var result = await append;

        Assert.Equal(3, result.NextOffset);
        Assert.Equal(3, log.FlushedOffset);
    }

    [Fact]
    public void The_high_watermark_advances_while_another_thread_holds_the_writer_lock()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        log.Append(TestBatches.Create(3));
        using var holder = LockHolder.Hold(log.WriterLock);

        Assert.Equal(3, log.UpdateHighWatermark(10));
        Assert.True(holder.IsHolding, "the high watermark waited for the writer lock");
    }
}
