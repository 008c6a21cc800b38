using Broker.Client.Network;

namespace Broker.Client.Producing;

/// <summary>
/// The produce requests for one partition leader, started strictly in the order the sender drained them: the next
/// request starts only once the previous one holds its place on the connection. With several requests of a partition
/// in flight this is what keeps them in sequence on the wire while a connection is being opened. Requests start on
/// the posting thread while each takes its place at once (the usual case: the connection is open, see
/// <see cref="BrokerConnection.SendAsync"/>), with no thread hop; a request that has to wait (connecting) carries on
/// asynchronously, and later posts queue behind it, so a leader being connected to does not hold up the others.
/// </summary>
internal sealed class LeaderPipeline(BrokerEndpoint leader, Func<BrokerEndpoint, DrainedPartition[], Task> start)
{
    private readonly Lock _lock = new();
    private readonly Queue<DrainedPartition[]> _queue = new();
    private bool _running;
    private TaskCompletionSource? _idle;

    /// <summary>Queues a request and starts it unless an earlier one is still starting; requests posted from one thread
    /// start in posting order.</summary>
    public void Post(DrainedPartition[] partitions)
    {
        lock (_lock)
        {
            _queue.Enqueue(partitions);
            if (_running)
            {
                return;
            }

            _running = true;
        }

        _ = PumpAsync();
    }

    /// <summary>Completes once every request posted so far has started.</summary>
    public Task CompleteAsync()
    {
        lock (_lock)
        {
            return _running ? (_idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task : Task.CompletedTask;
        }
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            DrainedPartition[]? next;
            TaskCompletionSource? idle = null;
            lock (_lock)
            {
                if (!_queue.TryDequeue(out next))
                {
                    _running = false;
                    (idle, _idle) = (_idle, null);
                }
            }

            if (next is null)
            {
                idle?.TrySetResult();
                return;
            }

            await start(leader, next).ConfigureAwait(false);
        }
    }
}
