using Broker.Core.Errors;

namespace Broker.Client.Producing;

/// <summary>Retry rounds: a partition's failed requests sent again, oldest first, one at a time.</summary>
internal sealed partial class ProducerSender
{
    /// <summary>
    /// Runs once every request of the partition is answered and one needs a retry. Each failed request in turn is
    /// resent alone (the first after a backoff), until it succeeds, fails for good, runs out of retries or its
    /// delivery timeout passes; then the partition sends new batches again.
    /// </summary>
    private async Task RetryRoundAsync(PartitionQueue queue)
    {
        Interlocked.Increment(ref _requestsInFlight);
        try
        {
            var first = true;
            while (NextToRetry(queue) is { } head)
            {
                await RetryAsync(queue, head, backOffFirst: first).ConfigureAwait(false);
                first = false;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _requestsInFlight);
            Wake();
        }
    }

    private DrainedPartition? NextToRetry(PartitionQueue queue)
    {
        var settled = new List<DrainedPartition>();
        DrainedPartition? head;
        lock (queue.Lock)
        {
            head = queue.InFlight.BeginRetry(settled);
        }

        Deliver(queue, settled);
        return head;
    }

    /// <summary>Resends <paramref name="head"/> until it is decided; gives it up on timeout, close or exhausted retries.</summary>
    private async Task RetryAsync(PartitionQueue queue, DrainedPartition head, bool backOffFirst)
    {
        var remaining = _options.DeliveryTimeout - _time.GetElapsedTime(head.Batches[0].CreatedTimestamp);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        deadline.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        var attempts = 0;
        try
        {
            await _retry.ExecuteAsync(async cancellationToken =>
            {
                // The failure that started the round was an attempt: rethrowing it lets the pipeline own every backoff.
                if (attempts++ == 0 && backOffFirst)
                {
                    throw AsRetry(head);
                }

                lock (queue.Lock)
                {
                    head.State = RequestState.OnWire;
                }

                var outcome = await SendOnceAsync(head, cancellationToken).ConfigureAwait(false);
                var settled = new List<DrainedPartition>();
                bool again;
                lock (queue.Lock)
                {
                    queue.InFlight.OnOutcome(head, outcome, CanRetry, settled);
                    again = head.State == RequestState.NeedsRetry && queue.InFlight.BeginRetry(settled) == head;
                }

                Deliver(queue, settled);
                if (again)
                {
                    throw AsRetry(head);
                }
            }, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            var why = _abort.IsCancellationRequested ? "the producer was closed" : $"the delivery timeout ({_options.DeliveryTimeout}) expired";
            GiveUp(queue, head, PartitionOutcome.Failed(ErrorCode.RequestTimedOut,
                $"Not delivered: {why} after {attempts} attempts; last error {ErrorCodes.Name(head.Outcome.Error)}: {head.Outcome.ErrorMessage}"));
        }
        catch (BrokerException e)
        {
            GiveUp(queue, head, PartitionOutcome.Failed(e.Code, $"{e.Message} (after {attempts} attempts)"));
        }
    }

    private void GiveUp(PartitionQueue queue, DrainedPartition head, PartitionOutcome failure)
    {
        var settled = new List<DrainedPartition>();
        lock (queue.Lock)
        {
            if (head.State is RequestState.OnWire or RequestState.NeedsRetry)
            {
                queue.InFlight.GiveUp(head, failure, settled);
            }
        }

        Deliver(queue, settled);
    }

    private static BrokerException AsRetry(DrainedPartition request) =>
        new(request.Outcome.Error, request.Outcome.ErrorMessage ?? ErrorCodes.Describe(request.Outcome.Error));

    /// <summary>One retry attempt: this partition's request alone, to its current leader.</summary>
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
}
