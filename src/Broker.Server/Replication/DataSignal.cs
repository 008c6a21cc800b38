namespace Broker.Server.Replication;

/// <summary>
/// Wakes fetches that wait for data on one partition (the long poll of max_wait_ms / min_bytes). Appends call
/// <see cref="Notify"/>, which costs one interlocked read when nobody waits; a waiter costs one task per wait.
/// </summary>
internal sealed class DataSignal
{
    private TaskCompletionSource? _waiters;

    /// <summary>A task that completes at the next <see cref="Notify"/>.</summary>
    public Task NextAsync()
    {
        var existing = Volatile.Read(ref _waiters);
        if (existing is not null)
        {
            return existing.Task;
        }

        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Interlocked.CompareExchange(ref _waiters, created, null) ?? created).Task;
    }

    public void Notify()
    {
        if (Volatile.Read(ref _waiters) is not null)
        {
            Interlocked.Exchange(ref _waiters, null)?.TrySetResult();
        }
    }
}
