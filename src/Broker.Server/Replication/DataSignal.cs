namespace Broker.Server.Replication;

/// <summary>
/// Wakes fetches that wait for data on one partition (the long poll of max_wait_ms / min_bytes). Appends call
/// <see cref="NotifyHere"/>, which costs one interlocked read when nobody waits; a waiter costs one task per wait.
/// </summary>
/// <remarks>
/// The waiters' continuations run on the thread that notifies (the task is not created with
/// <c>RunContinuationsAsynchronously</c>): after an append on a connection's I/O thread, the waiting fetches read the
/// new batches and write their responses right there, as Kafka completes delayed fetches on the thread that handled
/// the produce. A hop to the thread pool would cost each waiting fetch a wake-up of a worker, which on a small VM
/// is a larger share of a round trip than writing the response (measured in bench/RESULTS.md). A waiting fetch
/// never blocks there: its data was just appended (in the page cache), and a flush to a consumer that does not
/// read returns incomplete and carries on later. Callers that must not run request handlers on their thread (the
/// metadata applier) use <see cref="Notify"/>.
/// </remarks>
internal sealed class DataSignal
{
    private TaskCompletionSource? _waiters;

    /// <summary>A task that completes at the next notification; continuations may run on the notifier's thread.</summary>
    public Task NextAsync()
    {
        var existing = Volatile.Read(ref _waiters);
        if (existing is not null)
        {
            return existing.Task;
        }

        var created = new TaskCompletionSource();
        return (Interlocked.CompareExchange(ref _waiters, created, null) ?? created).Task;
    }

    /// <summary>Wakes the waiting fetches on the calling thread, which runs them until each writes its response or
    /// has to wait (see the remarks on the class). Call it holding no lock.</summary>
    public void NotifyHere() => Take()?.TrySetResult();

    /// <summary>Wakes the waiting fetches on the thread pool.</summary>
    public void Notify()
    {
        if (Take() is { } waiters)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static waiters => waiters.TrySetResult(), waiters, preferLocal: false);
        }
    }

    private TaskCompletionSource? Take() => Volatile.Read(ref _waiters) is null ? null : Interlocked.Exchange(ref _waiters, null);
}
