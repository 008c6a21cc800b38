using Broker.Core.Errors;

namespace Broker.Client.Producing;

/// <summary>
/// The producer's bound on buffered bytes (<see cref="ProducerOptions.BufferMemory"/>): a record reserves its size
/// before it is appended and the bytes come back when its batch completes. When the bound is reached, producers
/// wait (synchronously in Produce, asynchronously in ProduceAsync) up to <see cref="ProducerOptions.MaxBlock"/>:
/// that wait is the backpressure that keeps a fast application from outrunning the broker without limit.
/// </summary>
internal sealed class BufferMemory(long capacityBytes, TimeProvider time)
{
    private readonly Lock _lock = new();
    private long _available = capacityBytes;
    private int _waiters;
    private TaskCompletionSource _released = NewSignal();

    public long CapacityBytes { get; } = capacityBytes;

    public long AvailableBytes => Interlocked.Read(ref _available);

    public bool TryReserve(long bytes)
    {
        var available = Interlocked.Read(ref _available);
        while (available >= bytes)
        {
            var seen = Interlocked.CompareExchange(ref _available, available - bytes, available);
            if (seen == available)
            {
                return true;
            }

            available = seen;
        }

        return false;
    }

    public async ValueTask ReserveAsync(long bytes, TimeSpan maxBlock, CancellationToken cancellationToken)
    {
        if (TryReserve(bytes))
        {
            return;
        }

        var started = time.GetTimestamp();
        Interlocked.Increment(ref _waiters);
        try
        {
            while (true)
            {
                var released = CurrentSignal();
                if (TryReserve(bytes))
                {
                    return;
                }

                var remaining = RemainingOrThrow(bytes, maxBlock, started);
                try
                {
                    await released.WaitAsync(remaining, time, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // Checked again at the top, then reported as a MaxBlock failure.
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiters);
        }
    }

    /// <summary>The blocking form for the synchronous Produce, as Kafka's send() blocks.</summary>
    public void Reserve(long bytes, TimeSpan maxBlock)
    {
        if (!TryReserve(bytes))
        {
            ReserveAsync(bytes, maxBlock, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
    }

    public void Release(long bytes)
    {
        Interlocked.Add(ref _available, bytes);
        if (Volatile.Read(ref _waiters) == 0)
        {
            return;
        }

        TaskCompletionSource released;
        lock (_lock)
        {
            released = _released;
            _released = NewSignal();
        }

        released.TrySetResult();
    }

    private Task CurrentSignal()
    {
        lock (_lock)
        {
            return _released.Task;
        }
    }

    private TimeSpan RemainingOrThrow(long bytes, TimeSpan maxBlock, long started)
    {
        var remaining = maxBlock - time.GetElapsedTime(started);
        if (remaining > TimeSpan.Zero)
        {
            return remaining;
        }

        throw new BrokerException(ErrorCode.RequestTimedOut,
            $"The producer's buffer ({CapacityBytes} bytes) stayed full for {maxBlock} (MaxBlock); {bytes} bytes could not be reserved. " +
            "The broker is slower than the application or unreachable: slow down, raise BufferMemory or MaxBlock.");
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
