using Broker.Client.Internal;
using Broker.Core.Errors;
using Broker.Protocol.Messages.ConsumerGroupHeartbeat;
using Polly;

namespace Broker.Client.Groups;

/// <summary>
/// The member's background heartbeat: one heartbeat at a time, the next one after the interval the coordinator
/// asked for, or at once when <see cref="HeartbeatNow"/> is called (the consumer released or took partitions, or its
/// subscription changed). Failures are retried through the client's retry pipeline, each retry a full heartbeat to a
/// coordinator found again. Only scheduling and I/O live here; what to send and what an answer means is
/// <see cref="ConsumerGroup"/>'s, under its lock. One loop per subscription: stopped for good on leave.
/// </summary>
internal sealed class HeartbeatLoop
{
    /// <summary>Floor on the interval, so a coordinator answering 0 cannot make the member spin.</summary>
    private static readonly TimeSpan IntervalMin = TimeSpan.FromMilliseconds(10);

    private readonly ConsumerGroup _group;
    private readonly GroupCoordinatorLocator _locator;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _retry;
    private readonly AsyncSignal _wake = new();
    private readonly CancellationTokenSource _abort = new();
    private volatile bool _stopping;
    private TaskCompletionSource _answered = NewSignal();
    private volatile bool _promptRequested = true;
    private Task _loop = Task.CompletedTask;

    public HeartbeatLoop(ConsumerGroup group, GroupCoordinatorLocator locator, ClientOptions options, TimeProvider time)
    {
        _group = group;
        _locator = locator;
        _time = time;
        _retry = ClientRetry.Pipeline(options, time, ClientRetry.UntilCancelled);
    }

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Sends the next heartbeat without waiting for the interval (after the one in flight, if any).</summary>
    public void HeartbeatNow()
    {
        _promptRequested = true;
        _wake.Set();
    }

    /// <summary>Asks for a heartbeat now; completes when the next answer (or failure) has been applied.</summary>
    public Task NextAnswerAsync()
    {
        var answered = Volatile.Read(ref _answered).Task;
        HeartbeatNow();
        return answered;
    }

    /// <summary>
    /// Stops: no heartbeat is started afterwards. The one in flight may finish until <paramref name="cancellationToken"/>
    /// ends the wait (its answer may carry the member id a leave needs, after a join); then it is abandoned.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        _wake.Set();
        try
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
        }

        SignalAnswered();
        _abort.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task RunAsync()
    {
        var answeredAt = _time.GetTimestamp();
        var interval = TimeSpan.Zero;
        while (!_stopping)
        {
            var wait = _promptRequested ? TimeSpan.Zero : interval - _time.GetElapsedTime(answeredAt);
            if (wait > TimeSpan.Zero)
            {
                await _wake.WaitAsync(wait, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            _promptRequested = false;
            if (!_group.MayHeartbeat)
            {
                // Waiting for the application to take its lost partitions: HeartbeatNow wakes the loop then. Whoever
                // waits for an answer is released now rather than at its timeout: none is coming until then.
                SignalAnswered();
                await _wake.WaitAsync(Timeout.InfiniteTimeSpan, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            var next = await HeartbeatAsync().ConfigureAwait(false);
            if (next is not { } delay)
            {
                return;
            }

            answeredAt = _time.GetTimestamp();
            interval = delay > IntervalMin ? delay : IntervalMin;
        }
    }

    /// <summary>One heartbeat, retried until answered. Returns the wait before the next, or null to stop.</summary>
    private async Task<TimeSpan?> HeartbeatAsync()
    {
        ConsumerGroupHeartbeatResponse response;
        try
        {
            response = await _retry.ExecuteAsync(SendOnceAsync, _abort.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping)
        {
            _group.ApplyNoAnswer();
            return null;
        }
        catch (BrokerException e)
        {
            // Before any answer: the broker does not speak the group APIs, or refuses the group id.
            _group.Fail(e);
            SignalAnswered();
            return null;
        }

        var next = _group.ApplyAnswer(response);
        SignalAnswered();
        return next;
    }

    private async ValueTask<ConsumerGroupHeartbeatResponse> SendOnceAsync(CancellationToken cancellationToken)
    {
        if (_stopping)
        {
            throw new OperationCanceledException("The heartbeat loop is stopping: no new heartbeat, retries included.");
        }

        var request = _group.NextHeartbeat();
        try
        {
            var response = await _locator.SendOnceAsync<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse>(
                request.GroupId, request, static r => r.ErrorCode, cancellationToken).ConfigureAwait(false);
            if (ErrorCodes.IsRetriable(response.ErrorCode))
            {
                throw ClientErrors.Describe(response.ErrorCode, response.ErrorMessage, $"Heartbeat of group '{request.GroupId}'");
            }

            return response;
        }
        catch (BrokerException e) when (e.IsRetriable)
        {
            _group.ApplyNoAnswer();
            SignalAnswered();
            throw;
        }
    }

    private void SignalAnswered() => Interlocked.Exchange(ref _answered, NewSignal()).TrySetResult();
}
