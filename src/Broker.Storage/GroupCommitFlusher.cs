using Broker.Core.Errors;

namespace Broker.Storage;

/// <summary>
/// Group commit for <see cref="FlushPolicy.Always"/>: appenders await one shared fsync instead of each issuing their
/// own. A round fsyncs everything written before it started; appenders that arrive while a round runs wait for the
/// next round, which starts as soon as the running one ends and covers all of them. With N concurrent appenders
/// that is at most two fsyncs of latency and about one fsync per round instead of N.
/// <para>Threading: any thread may call <see cref="WaitAsync"/>; rounds run on the thread pool, one at a time.
/// Allocation: one TaskCompletionSource per round, shared by its waiters; nothing when the offset is already
/// durable.</para>
/// </summary>
internal sealed class GroupCommitFlusher
{
    private readonly Lock _lock = new();
    private readonly Func<long> _durableOffset;
    private readonly Action _flushToLogEnd;
    private TaskCompletionSource? _nextRound;
    private bool _running;

    /// <param name="durableOffset">The offset below which everything is on disk.</param>
    /// <param name="flushToLogEnd">fsyncs everything appended before the call and advances the durable offset.</param>
    public GroupCommitFlusher(Func<long> durableOffset, Action flushToLogEnd)
    {
        _durableOffset = durableOffset;
        _flushToLogEnd = flushToLogEnd;
    }

    /// <summary>Completes once every offset below <paramref name="offsetExclusive"/> is on disk.</summary>
    public ValueTask WaitAsync(long offsetExclusive, CancellationToken cancellationToken)
    {
        if (_durableOffset() >= offsetExclusive)
        {
            return ValueTask.CompletedTask;
        }

        TaskCompletionSource round;
        var start = false;
        lock (_lock)
        {
            round = _nextRound ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_running)
            {
                _running = true;
                _nextRound = null;
                start = true;
            }
        }

        if (start)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.flusher.RunRounds(state.round), (flusher: this, round), preferLocal: false);
        }

        return new ValueTask(cancellationToken.CanBeCanceled ? round.Task.WaitAsync(cancellationToken) : round.Task);
    }

    private void RunRounds(TaskCompletionSource round)
    {
        while (true)
        {
            try
            {
                _flushToLogEnd();
                round.TrySetResult();
            }
            catch (BrokerException e)
            {
                round.TrySetException(e);
            }
            catch (Exception e) when (StorageErrors.IsIoFailure(e))
            {
                round.TrySetException(StorageErrors.Wrap(e, "flushing"));
            }
            catch (ObjectDisposedException e)
            {
                // The log closed under its waiters (a deleted partition): they fail as an append to it would. Left
                // uncaught on this thread-pool thread, it would end the process.
                round.TrySetException(e);
            }

            lock (_lock)
            {
                if (_nextRound is null)
                {
                    _running = false;
                    return;
                }

                round = _nextRound;
                _nextRound = null;
            }
        }
    }
}
