namespace Broker.Client.Internal;

/// <summary>
/// An auto-reset wake-up for one background loop (the producer's sender, the consumer's fetcher): any thread may
/// <see cref="Set"/> it, the loop awaits it with a timeout. Sets while the loop is busy collapse into one wake-up,
/// which is what a loop that re-examines all its state on each pass wants.
/// </summary>
internal sealed class AsyncSignal
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _waiter = NewWaiter();
    private bool _set;

    public void Set()
    {
        TaskCompletionSource waiter;
        lock (_lock)
        {
            if (_set)
            {
                return;
            }

            _set = true;
            waiter = _waiter;
        }

        waiter.TrySetResult();
    }

    /// <summary>Waits until <see cref="Set"/> or <paramref name="timeout"/>; true when set.</summary>
    public async ValueTask<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task task;
        lock (_lock)
        {
            if (_set)
            {
                _set = false;
                _waiter = NewWaiter();
                return true;
            }

            task = _waiter.Task;
        }

        // Infinite is -1 ms: without the first test a loop with nothing due would not wait at all, and spin.
        if (timeout == Timeout.InfiniteTimeSpan || timeout > TimeSpan.Zero)
        {
            try
            {
                await task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        lock (_lock)
        {
            var wasSet = _set;
            if (wasSet)
            {
                _set = false;
                _waiter = NewWaiter();
            }

            return wasSet;
        }
    }

    private static TaskCompletionSource NewWaiter() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
