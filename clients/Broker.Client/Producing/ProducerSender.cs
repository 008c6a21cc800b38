using System.Collections.Concurrent;
using Broker.Client.Internal;
using Broker.Client.Metadata;
using Broker.Client.Network;
using Broker.Core.Errors;
using Broker.Core.Threading;
using Broker.Protocol.Messages.Produce;
using Polly;

namespace Broker.Client.Producing;

/// <summary>
/// The producer's background loop, on a thread of its own: drains sendable batches from the
/// <see cref="RecordAccumulator"/>, groups them by partition leader into one Produce request per broker, and reports
/// each record's outcome when the response arrives (on the connection's reader). Requests to different brokers, and
/// successive requests to one broker, are pipelined; the loop never awaits a response. A partition has up to
/// <see cref="ProducerOptions.MaxInFlightRequestsPerPartition"/> requests in flight (<see cref="PartitionInFlight"/>
/// keeps their order and, for an idempotent producer, their sequences).
/// </summary>
/// <remarks>
/// An idempotent producer first gets its producer id (<see cref="ProducerIdInitializer"/>); nothing is sent before.
/// A partition whose request fails with a retriable error (<see cref="ErrorCodes.IsRetriable"/>, a lost connection,
/// or a sequence error explained by an earlier failure) sends nothing new until its requests in flight are answered,
/// then resends the failed ones oldest first, one at a time (<see cref="RetryRoundAsync"/>), through a Polly pipeline:
/// exponential backoff with jitter from <see cref="ClientOptions.RetryBackoff"/> to
/// <see cref="ClientOptions.RetryBackoffMax"/>, metadata refreshed before each attempt when leadership may have moved,
/// until <see cref="ProducerOptions.DeliveryTimeout"/>. Outcomes of one partition are reported in order.
/// </remarks>
internal sealed partial class ProducerSender
{
    /// <summary>The longest the sender sleeps without a wake-up.</summary>
    private static readonly TimeSpan IdleWakeInterval = TimeSpan.FromMilliseconds(100);

    private readonly ProducerOptions _options;
    private readonly RecordAccumulator _accumulator;
    private readonly MetadataManager _metadata;
    private readonly ConnectionPool _pool;
    private readonly TimeProvider _time;
    private readonly ProducerIdInitializer? _producerId;
    // Reset by the loop after each wait. No spinning: on a small machine a spinning waiter takes the core the thread
    // that would wake it needs. A WakeSignal: one system call per wake, no lock convoy with the producing thread.
    private readonly WakeSignal _wake = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ResiliencePipeline _retry;
    private readonly CancellationTokenSource _abort = new();
    private readonly ConcurrentDictionary<BrokerEndpoint, LeaderPipeline> _leaders = new();
    private int _flushes;
    private int _requestsInFlight;
    private volatile bool _closing;

    public ProducerSender(ProducerOptions options, RecordAccumulator accumulator, MetadataManager metadata, ConnectionPool pool, TimeProvider time)
    {
        _options = options;
        _accumulator = accumulator;
        _metadata = metadata;
        _pool = pool;
        _time = time;
        _retry = BuildRetryPipeline(options, metadata, time);
        _producerId = options.IsIdempotent ? new ProducerIdInitializer(metadata, pool, time, options.RetryBackoff, Wake) : null;
    }

    /// <summary>
    /// Starts the loop on a thread of its own, as Kafka's producer has its network thread: an application thread that
    /// opens a batch wakes it directly. A loop on the thread pool cost two wake-ups per send on a small machine (the
    /// worker, then the one it asks for in case more work is queued), which is most of a paced producer's CPU.
    /// </summary>
    public void Start()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "broker-producer-sender" };
        thread.UnsafeStart();
    }

    public void Wake() => _wake.Set();

    /// <summary>While at least one flush is running, lingering batches are sent at once.</summary>
    public void BeginFlush()
    {
        Interlocked.Increment(ref _flushes);
        Wake();
    }

    public void EndFlush() => Interlocked.Decrement(ref _flushes);

    /// <summary>
    /// Sends everything buffered, waiting up to <paramref name="timeout"/>; then cancels what is still in flight and
    /// fails what is still queued, so every record gets an outcome.
    /// </summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        _closing = true;
        Wake();
        try
        {
            await _stopped.Task.WaitAsync(timeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Out of time: abort below.
        }

        await _abort.CancelAsync().ConfigureAwait(false);
        Wake();
        await _stopped.Task.ConfigureAwait(false);
        foreach (var pipeline in _leaders.Values)
        {
            await pipeline.CompleteAsync().ConfigureAwait(false);
        }

        for (var waited = 0; Volatile.Read(ref _requestsInFlight) > 0 && waited < 500; waited++)
        {
            await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
        }

        _accumulator.FailQueued(ErrorCode.RequestTimedOut, "The producer was closed before the record could be delivered.");
        _wake.Dispose(); // the loop has ended; a later Wake does nothing
    }

    private bool CanRetry => _options.Retries > 0 && !_abort.IsCancellationRequested;

    private void Run()
    {
        try
        {
            Loop();
            _stopped.TrySetResult();
        }
#pragma warning disable CA1031 // Whatever ends the loop is handed to CloseAsync, which rethrows it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _stopped.TrySetException(e);
        }
    }

    private void Loop()
    {
        var pass = new DrainPass();
        while (!_abort.IsCancellationRequested)
        {
            var everything = _closing || Volatile.Read(ref _flushes) > 0;
            var sendable = _producerId?.EnsureStarted(_abort.Token) ?? true;
            if (_producerId?.Fatal is { } fatal)
            {
                _accumulator.FailQueued(fatal.Code, $"The producer has no producer id, so it cannot send idempotently: {fatal.Message}");
            }

            _accumulator.Drain(_metadata.Current, everything, pass, _producerId?.Identity, sendable);
            ExpireAll(pass.Expired);
            if (pass.UnknownLeader)
            {
                _metadata.RequestRefresh();
            }

            if (_metadata.NeedsRefresh)
            {
                _metadata.RefreshInBackground();
            }

            foreach (var (leader, partitions) in pass.ByLeader)
            {
                Interlocked.Increment(ref _requestsInFlight);
                _leaders.GetOrAdd(leader, static (endpoint, sender) => new LeaderPipeline(endpoint, sender.StartRequestAsync), this).Post([.. partitions]);
            }

            if (_closing && Volatile.Read(ref _requestsInFlight) == 0 && _accumulator.IsEmpty)
            {
                return;
            }

            var wait = (pass.UnknownLeader || !sendable) && (pass.NextDue == Timeout.InfiniteTimeSpan || pass.NextDue > _options.RetryBackoff)
                ? _options.RetryBackoff
                : pass.NextDue;
            if (wait == Timeout.InfiniteTimeSpan || wait > IdleWakeInterval)
            {
                // Wake-ups come from appends (a batch opened or filled) and completions; the bound is a safety net
                // against a missed one, at ten cheap passes a second when idle.
                wait = IdleWakeInterval;
            }

            // Whole milliseconds, rounded up: a wait of 0.3 ms would otherwise be none, and the loop would spin.
            _wake.Wait(wait <= TimeSpan.Zero ? 0 : (int)Math.Ceiling(wait.TotalMilliseconds));
            _wake.Reset(); // before the next pass, which sees whatever the Set was for
        }
    }

    private void ExpireAll(List<ProducerBatch> expired)
    {
        foreach (var batch in expired)
        {
            batch.Complete(-1, -1, ErrorCode.RequestTimedOut,
                $"Delivery timeout ({_options.DeliveryTimeout}) expired before {batch.Partition} had a reachable leader.");
            _accumulator.Return(batch);
        }
    }

    /// <summary>Starts a request (see <see cref="LeaderPipeline"/>); completes once it is queued on the connection or
    /// has failed, while the request itself goes on to its response.</summary>
    private async Task StartRequestAsync(BrokerEndpoint leader, DrainedPartition[] partitions)
    {
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sending = SendAsync(leader, partitions, queued);
        await Task.WhenAny(queued.Task, sending).ConfigureAwait(false);
    }

    /// <summary>Sends one request; <see cref="_requestsInFlight"/> was counted up when it was posted.</summary>
    private async Task SendAsync(BrokerEndpoint leader, DrainedPartition[] partitions, TaskCompletionSource queued)
    {
        var wake = true;
        try
        {
            using var builder = new ProduceRequestBuilder();
            var request = builder.Build(partitions, _options.Acks, _options.RequestTimeout);
            var outcomes = await SendRequestAsync(leader, request, partitions, _abort.Token, () => queued.TrySetResult()).ConfigureAwait(false);
            wake = false;
            for (var i = 0; i < partitions.Length; i++)
            {
                wake |= OnResponse(partitions[i], outcomes[i]);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _requestsInFlight);
            // The sender sleeps through answers that change nothing for it: a wake-up per answer would cost a thread
            // hop per request. It needs one when records wait for the window, or to finish a flush or a close.
            if (wake || _closing || Volatile.Read(ref _flushes) > 0)
            {
                Wake();
            }
        }
    }

    /// <summary>One request to one broker; a transport failure becomes every partition's (retriable) outcome.</summary>
    private async Task<PartitionOutcome[]> SendRequestAsync(
        BrokerEndpoint leader, ProduceRequest request, IReadOnlyList<DrainedPartition> partitions, CancellationToken cancellationToken, Action? queued = null)
    {
        var outcomes = new PartitionOutcome[partitions.Count];
        try
        {
            var connection = await _pool.GetAsync(leader, cancellationToken).ConfigureAwait(false);
            if (_options.Acks == ProduceAcks.None)
            {
                await connection.SendAsync(request, expectsResponse: false, TimeSpan.Zero, cancellationToken, queued).ConfigureAwait(false);
                Array.Fill(outcomes, PartitionOutcome.Unacknowledged);
                return outcomes;
            }

            // Inline: the response is taken in on the connection's reader, and the delivery callbacks run there (the
            // producer's I/O thread, as in Kafka's producer), with no thread hop per response.
            var response = await connection.RequestAsync<ProduceRequest, ProduceResponse>(request, cancellationToken, queued: queued, completeInline: true).ConfigureAwait(false);
            for (var i = 0; i < partitions.Count; i++)
            {
                var partition = partitions[i].Queue.Partition;
                outcomes[i] = PartitionOutcome.From(response, partition.Topic, partition.Partition);
            }
        }
        catch (Exception e) when (e is BrokerException or OperationCanceledException or ObjectDisposedException)
        {
            _metadata.RequestRefresh();
            Array.Fill(outcomes, PartitionOutcome.Failed(ClientErrors.CodeOf(e), e.Message));
        }

        return outcomes;
    }

    /// <summary>Takes in a partition's answer; reports what is decided, in order, and starts a retry round if due.
    /// Returns true when the partition has records waiting for this answer (the sender must look again).</summary>
    private bool OnResponse(DrainedPartition drained, PartitionOutcome outcome)
    {
        if (outcome.Error != ErrorCode.None && ClientErrors.NeedsMetadataRefresh(outcome.Error))
        {
            _metadata.RequestRefresh();
        }

        var queue = drained.Queue;
        var settled = new List<DrainedPartition>();
        bool startRound;
        bool waiting;
        lock (queue.Lock)
        {
            startRound = queue.InFlight.OnOutcome(drained, outcome, CanRetry, settled);
            waiting = queue.WaitingToSend;
            queue.WaitingToSend = false;
        }

        Deliver(queue, settled);
        if (startRound)
        {
            _ = RetryRoundAsync(queue);
        }

        return waiting;
    }

    /// <summary>
    /// Reports settled requests' records. One thread at a time per partition delivers, in the order the requests
    /// settled, outside the partition's lock: callbacks run in order and never under a lock an appender needs.
    /// </summary>
    private void Deliver(PartitionQueue queue, List<DrainedPartition> settled)
    {
        lock (queue.Lock)
        {
            foreach (var request in settled)
            {
                queue.Settled.Enqueue(request);
            }

            if (queue.Delivering || queue.Settled.Count == 0)
            {
                return;
            }

            queue.Delivering = true;
        }

        while (true)
        {
            DrainedPartition? next;
            lock (queue.Lock)
            {
                if (!queue.Settled.TryPeek(out next))
                {
                    queue.Delivering = false;
                    return;
                }
            }

            Complete(next);
            lock (queue.Lock)
            {
                queue.Settled.Dequeue();
            }
        }
    }

    private void Complete(DrainedPartition drained)
    {
        var outcome = drained.Outcome;
        var offset = outcome.BaseOffset;
        foreach (var batch in drained.Batches)
        {
            var message = outcome.Error == ErrorCode.None
                ? null
                : $"{batch.Partition}: {ErrorCodes.Name(outcome.Error)}: {outcome.ErrorMessage ?? ErrorCodes.Describe(outcome.Error)}";
            batch.Complete(offset, outcome.LogAppendTimeMs, outcome.Error, message);
            if (offset >= 0)
            {
                offset += batch.RecordCount; // the broker appends a request's batches of a partition back to back
            }
        }

        foreach (var batch in drained.Batches)
        {
            _accumulator.Return(batch);
        }
    }

    private static ResiliencePipeline BuildRetryPipeline(ProducerOptions options, MetadataManager metadata, TimeProvider time) =>
        ClientRetry.Pipeline(
            options,
            time,
            options.Retries,
            e =>
            {
                if (ClientErrors.NeedsMetadataRefresh(e.Code))
                {
                    metadata.RequestRefresh();
                }
            },
            // Sequence errors come here only when the partition's state says a retry resolves them.
            e => e.IsRetriable || e.Code is ErrorCode.OutOfOrderSequenceNumber or ErrorCode.UnknownProducerId);
}
