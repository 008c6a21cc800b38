using Broker.Client.Internal;
using Broker.Client.Metadata;
using Broker.Client.Network;
using Broker.Core.Errors;
using Broker.Protocol.Messages.Produce;
using Polly;

namespace Broker.Client.Producing;

/// <summary>
/// The producer's background loop: drains sendable batches from the <see cref="RecordAccumulator"/>, groups them by
/// partition leader into one Produce request per broker, and reports each record's outcome when the response
/// arrives. Requests to different brokers, and successive requests to one broker, are pipelined; the loop never
/// awaits a response.
/// </summary>
/// <remarks>
/// A partition whose batches fail with a retriable error (<see cref="ErrorCodes.IsRetriable"/>, or a lost
/// connection) is retried on its own through a Polly pipeline: exponential backoff with jitter from
/// <see cref="ClientOptions.RetryBackoff"/> to <see cref="ClientOptions.RetryBackoffMax"/>, metadata refreshed before
/// each attempt when leadership may have moved, until <see cref="ProducerOptions.DeliveryTimeout"/>. The partition stays
/// in flight throughout (see <see cref="PartitionQueue"/>), which is what keeps its records in order.
/// </remarks>
internal sealed class ProducerSender
{
    private readonly ProducerOptions _options;
    private readonly RecordAccumulator _accumulator;
    private readonly MetadataManager _metadata;
    private readonly ConnectionPool _pool;
    private readonly TimeProvider _time;
    /// <summary>The longest the sender sleeps without a wake-up.</summary>
    private static readonly TimeSpan IdleWakeInterval = TimeSpan.FromMilliseconds(100);

    private readonly AsyncSignal _wake = new();
    private readonly ResiliencePipeline _retry;
    private readonly CancellationTokenSource _abort = new();
    private int _flushes;
    private int _requestsInFlight;
    private volatile bool _closing;
    private Task _loop = Task.CompletedTask;

    public ProducerSender(ProducerOptions options, RecordAccumulator accumulator, MetadataManager metadata, ConnectionPool pool, TimeProvider time)
    {
        _options = options;
        _accumulator = accumulator;
        _metadata = metadata;
        _pool = pool;
        _time = time;
        _retry = BuildRetryPipeline(options, metadata, time);
    }

    public void Start() => _loop = Task.Run(RunAsync);

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
            await _loop.WaitAsync(timeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Out of time: abort below.
        }

        await _abort.CancelAsync().ConfigureAwait(false);
        Wake();
        await _loop.ConfigureAwait(false);
        for (var waited = 0; Volatile.Read(ref _requestsInFlight) > 0 && waited < 500; waited++)
        {
            await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
        }

        _accumulator.FailQueued(ErrorCode.RequestTimedOut, "The producer was closed before the record could be delivered.");
    }

    private async Task RunAsync()
    {
        var pass = new DrainPass();
        while (!_abort.IsCancellationRequested)
        {
            var everything = _closing || Volatile.Read(ref _flushes) > 0;
            _accumulator.Drain(_metadata.Current, everything, pass);
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
                _ = SendAsync(leader, [.. partitions]);
            }

            if (_closing && Volatile.Read(ref _requestsInFlight) == 0 && _accumulator.IsEmpty)
            {
                return;
            }

            var wait = pass.UnknownLeader && (pass.NextDue == Timeout.InfiniteTimeSpan || pass.NextDue > _options.RetryBackoff)
                ? _options.RetryBackoff
                : pass.NextDue;
            if (wait == Timeout.InfiniteTimeSpan || wait > IdleWakeInterval)
            {
                // Wake-ups come from appends (a batch opened or filled) and completions; the bound is a safety net
                // against a missed one, at ten cheap passes a second when idle.
                wait = IdleWakeInterval;
            }
            await _wake.WaitAsync(wait, CancellationToken.None).ConfigureAwait(false);
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

    private async Task SendAsync(BrokerEndpoint leader, DrainedPartition[] partitions)
    {
        Interlocked.Increment(ref _requestsInFlight);
        try
        {
            using var builder = new ProduceRequestBuilder();
            var request = builder.Build(partitions, _options.Acks, _options.RequestTimeout);
            var outcomes = await SendRequestAsync(leader, request, partitions, _abort.Token).ConfigureAwait(false);
            for (var i = 0; i < partitions.Length; i++)
            {
                Handle(partitions[i], outcomes[i]);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _requestsInFlight);
            Wake();
        }
    }

    /// <summary>One request to one broker; a transport failure becomes every partition's (retriable) outcome.</summary>
    private async Task<PartitionOutcome[]> SendRequestAsync(
        BrokerEndpoint leader, ProduceRequest request, IReadOnlyList<DrainedPartition> partitions, CancellationToken cancellationToken)
    {
        var outcomes = new PartitionOutcome[partitions.Count];
        try
        {
            var connection = await _pool.GetAsync(leader, cancellationToken).ConfigureAwait(false);
            if (_options.Acks == ProduceAcks.None)
            {
                await connection.SendAsync(request, expectsResponse: false, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                Array.Fill(outcomes, PartitionOutcome.Unacknowledged);
                return outcomes;
            }

            var response = await connection.RequestAsync<ProduceRequest, ProduceResponse>(request, cancellationToken).ConfigureAwait(false);
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

    private void Handle(DrainedPartition drained, PartitionOutcome outcome)
    {
        if (outcome.Error != ErrorCode.None && ErrorCodes.IsRetriable(outcome.Error) && _options.Retries > 0 && !_abort.IsCancellationRequested)
        {
            if (ClientErrors.NeedsMetadataRefresh(outcome.Error))
            {
                _metadata.RequestRefresh();
            }

            _ = RetryAsync(drained, outcome);
            return;
        }

        Complete(drained, outcome);
    }

    private void Complete(DrainedPartition drained, PartitionOutcome outcome)
    {
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

        _accumulator.Finish(drained);
    }

    private async Task RetryAsync(DrainedPartition drained, PartitionOutcome first)
    {
        Interlocked.Increment(ref _requestsInFlight);
        var remaining = _options.DeliveryTimeout - _time.GetElapsedTime(drained.Batches[0].CreatedTimestamp);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        deadline.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        var attempts = 0;
        var last = first;
        try
        {
            var outcome = await _retry.ExecuteAsync(async cancellationToken =>
            {
                // Attempt one was the shared request; rethrowing its error lets the pipeline own every backoff.
                if (attempts++ > 0)
                {
                    last = await SendOnceAsync(drained, cancellationToken).ConfigureAwait(false);
                }

                return ErrorCodes.IsRetriable(last.Error) ? throw new BrokerException(last.Error, last.ErrorMessage ?? ErrorCodes.Describe(last.Error)) : last;
            }, deadline.Token).ConfigureAwait(false);
            Complete(drained, outcome);
        }
        catch (OperationCanceledException)
        {
            var why = _abort.IsCancellationRequested ? "the producer was closed" : $"the delivery timeout ({_options.DeliveryTimeout}) expired";
            Complete(drained, PartitionOutcome.Failed(ErrorCode.RequestTimedOut,
                $"Not delivered: {why} after {attempts} attempts; last error {ErrorCodes.Name(last.Error)}: {last.ErrorMessage}"));
        }
        catch (BrokerException e)
        {
            Complete(drained, PartitionOutcome.Failed(e.Code, $"{e.Message} (after {attempts} attempts)"));
        }
        finally
        {
            Interlocked.Decrement(ref _requestsInFlight);
            Wake();
        }
    }

    /// <summary>One retry attempt: this partition alone, to its current leader.</summary>
    private async Task<PartitionOutcome> SendOnceAsync(DrainedPartition drained, CancellationToken cancellationToken)
    {
        var partition = drained.Queue.Partition;
        var leader = _metadata.Current.LeaderOf(partition);
        if (leader is null || _metadata.NeedsRefresh)
        {
            await _metadata.RefreshAsync(cancellationToken).ConfigureAwait(false);
            leader = _metadata.Current.LeaderOf(partition);
        }

        if (leader is not { } endpoint)
        {
            return PartitionOutcome.Failed(ErrorCode.LeaderNotAvailable, $"No leader is known for {partition}.");
        }

        using var builder = new ProduceRequestBuilder();
        var request = builder.Build([drained], _options.Acks, _options.RequestTimeout);
        var outcomes = await SendRequestAsync(endpoint, request, [drained], cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return outcomes[0];
    }

    private static ResiliencePipeline BuildRetryPipeline(ProducerOptions options, MetadataManager metadata, TimeProvider time) =>
        ClientRetry.Pipeline(options, time, options.Retries, e =>
        {
            if (ClientErrors.NeedsMetadataRefresh(e.Code))
            {
                metadata.RequestRefresh();
            }
        });
}
