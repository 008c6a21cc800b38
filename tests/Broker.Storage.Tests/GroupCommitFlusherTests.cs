using Broker.Core.Errors;

namespace Broker.Storage.Tests;

public class GroupCommitFlusherTests
{
    [Fact]
    public async Task Waiters_share_a_round_and_see_the_offset_durable()
    {
        long durable = 0;
        var rounds = 0;
        var flusher = new GroupCommitFlusher(() => Volatile.Read(ref durable), () =>
        {
            Interlocked.Increment(ref rounds);
            Volatile.Write(ref durable, 10);
        });

        await flusher.WaitAsync(5, CancellationToken.None);
        await flusher.WaitAsync(10, CancellationToken.None); // already durable: no round
        Assert.Equal(1, rounds);
    }

    [Fact]
    public async Task A_failed_flush_fails_its_waiters_with_a_storage_error()
    {
        var flusher = new GroupCommitFlusher(() => 0, () => throw new IOException("EIO"));
        var error = await Assert.ThrowsAsync<BrokerException>(() => flusher.WaitAsync(1, CancellationToken.None).AsTask());
        Assert.Equal(ErrorCode.StorageError, error.Code);
    }

    [Fact]
    public async Task A_log_closed_under_its_waiters_fails_them_instead_of_ending_the_process()
    {
        // Thrown on a thread-pool thread, an uncaught ObjectDisposedException would end the test run itself.
        long durable = 0;
        var closed = true;
        var flusher = new GroupCommitFlusher(() => Volatile.Read(ref durable), () =>
        {
            if (Volatile.Read(ref closed))
            {
                throw new ObjectDisposedException("PartitionLog");
            }

            Volatile.Write(ref durable, 1);
        });
        await Assert.ThrowsAsync<ObjectDisposedException>(() => flusher.WaitAsync(1, CancellationToken.None).AsTask());

        Volatile.Write(ref closed, false);
        await flusher.WaitAsync(1, CancellationToken.None); // the flusher was left ready for the next round
        Assert.Equal(1, Volatile.Read(ref durable));
    }
}
