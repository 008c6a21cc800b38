using Broker.Core.Errors;
using Broker.Core.Records;

namespace Broker.Client.Producing;

/// <summary>
/// One partition's produce requests in flight, oldest first, and (for an idempotent producer) the partition's
/// sequence numbers. Pure bookkeeping, no I/O: the sender calls <see cref="Send"/>, <see cref="OnOutcome"/>,
/// <see cref="BeginRetry"/> and <see cref="GiveUp"/> under the queue's lock and does the sending itself.
/// <para>Order: requests are reported (<see cref="Settle"/>) strictly oldest first. Up to
/// MaxInFlightRequestsPerPartition are sent back to back; once one needs a retry, nothing new is sent until every
/// request of the partition is answered, and then the failed ones go again one at a time, oldest first (a retry
/// round), so a retried request never overtakes a later one on an idempotent producer.</para>
/// <para>Sequences (idempotent producer): each batch takes the next sequence when first sent and keeps it on every
/// retry, so the broker can recognise a retry of records it already wrote. Sequence errors are read as Kafka's client
/// reads them:</para>
/// <list type="bullet">
/// <item>OUT_OF_ORDER_SEQUENCE_NUMBER or UNKNOWN_PRODUCER_ID on a request sent while an earlier one was unanswered:
/// an earlier request failed and this one was refused for the gap. It is retried after the earlier one.</item>
/// <item>UNKNOWN_PRODUCER_ID on the oldest request: the broker holds nothing of this producer for the partition (it
/// expired), so nothing unacknowledged can be in its log; the unacknowledged requests are renumbered from 0 and
/// retried.</item>
/// <item>OUT_OF_ORDER_SEQUENCE_NUMBER on the oldest request after a request was given up: the given-up records did
/// not reach the log; the rest are renumbered from the last acknowledged sequence and retried.</item>
/// <item>OUT_OF_ORDER_SEQUENCE_NUMBER on the oldest request otherwise: the broker lost acknowledged records (or a bug).
/// That request fails with the error, the partition starts a new epoch (the broker accepts a new epoch from sequence
/// 0) and the requests after it are renumbered under it and retried.</item>
/// </list>
/// Renumbering happens only while no request of the partition is on the wire, and only for records the broker has
/// refused, so it never writes anything twice.
/// </summary>
internal sealed class PartitionInFlight
{
    private readonly List<DrainedPartition> _requests = [];
    private SequenceRepair _repair;
    private bool _gapPending;
    private bool _roundRunning;
    private long _producerId = RecordBatchLayout.NoProducerId;

    private enum SequenceRepair
    {
        None,
        FromAcknowledged,
        FromZero,
        NewEpoch,
    }

    public int Count => _requests.Count;

    public IReadOnlyList<DrainedPartition> Requests => _requests;

    /// <summary>True from a request's retriable failure until every failed request is resolved: nothing new is sent.</summary>
    public bool Retrying { get; private set; }

    /// <summary>The epoch the partition's batches carry; -1 before the first idempotent send.</summary>
    public short Epoch { get; private set; } = RecordBatchLayout.NoProducerEpoch;

    /// <summary>The sequence the next new batch takes.</summary>
    public int NextSequence { get; private set; }

    /// <summary>The sequence after the last acknowledged record: what the broker expects next.</summary>
    public int AcknowledgedSequence { get; private set; }

    public bool CanSend(int maxInFlight) => !Retrying && _requests.Count < maxInFlight;

    /// <summary>Adds a request being sent; with an <paramref name="identity"/>, numbers its batches.</summary>
    public void Send(DrainedPartition request, ProducerIdentity? identity)
    {
        if (identity is not null)
        {
            if (Epoch < 0)
            {
                (_producerId, Epoch) = (identity.ProducerId, identity.Epoch);
            }

            foreach (var batch in request.Batches)
            {
                batch.SetSequence(_producerId, Epoch, NextSequence);
                NextSequence = ProducerSequence.Add(NextSequence, batch.RecordCount);
            }
        }

        request.SentAsHead = _requests.Count == 0;
        request.State = RequestState.OnWire;
        _requests.Add(request);
    }

    /// <summary>
    /// Takes in the broker's answer for <paramref name="request"/> and moves every decided request at the head into
    /// <paramref name="settled"/>, in order. <paramref name="canRetry"/> is false once retries are off or the producer
    /// is closing. Returns true when a retry round must start now: the caller runs it (<see cref="BeginRetry"/>).
    /// </summary>
    public bool OnOutcome(DrainedPartition request, PartitionOutcome outcome, bool canRetry, List<DrainedPartition> settled)
    {
        request.Outcome = outcome;
        request.State = Classify(request, outcome, canRetry);
        if (request.State == RequestState.Succeeded && outcome.Error != ErrorCode.None)
        {
            request.Outcome = outcome with { Error = ErrorCode.None, ErrorMessage = null, BaseOffset = -1 };
        }

        if (request.State == RequestState.NeedsRetry)
        {
            Retrying = true;
        }

        Settle(settled);
        return StartRoundIfQuiet();
    }

    /// <summary>The next request of a retry round, marked on the wire, with any pending renumbering applied first; null
    /// (and the round over) when nothing is left to retry.</summary>
    public DrainedPartition? BeginRetry(List<DrainedPartition> settled)
    {
        ApplyRepair(settled);
        if (_requests.Count == 0 || _requests[0].State != RequestState.NeedsRetry)
        {
            EndRound();
            return null;
        }

        var head = _requests[0];
        head.State = RequestState.OnWire;
        head.SentAsHead = true;
        return head;
    }

    /// <summary>Gives up the request (delivery timeout, retries used up, the producer closing) with
    /// <paramref name="failure"/> as its outcome.</summary>
    public void GiveUp(DrainedPartition request, PartitionOutcome failure, List<DrainedPartition> settled)
    {
        request.State = RequestState.Failed;
        request.Outcome = failure;
        Settle(settled);
    }

    /// <summary>Ends a retry round early (the producer is closing and the caller gave up what was left).</summary>
    public void EndRound()
    {
        _roundRunning = false;
        Retrying = _requests.Exists(r => r.State == RequestState.NeedsRetry);
    }

    private RequestState Classify(DrainedPartition request, PartitionOutcome outcome, bool canRetry)
    {
        var error = outcome.Error;
        if (error == ErrorCode.None || (error == ErrorCode.DuplicateSequenceNumber && request.IsSequenced))
        {
            return RequestState.Succeeded;
        }

        if (!canRetry)
        {
            return RequestState.Failed;
        }

        if (request.IsSequenced && error is ErrorCode.OutOfOrderSequenceNumber or ErrorCode.UnknownProducerId)
        {
            if (!request.SentAsHead)
            {
                return RequestState.NeedsRetry;
            }

            _repair = error == ErrorCode.UnknownProducerId ? SequenceRepair.FromZero
                : _gapPending ? SequenceRepair.FromAcknowledged
                : SequenceRepair.NewEpoch;
            return _repair == SequenceRepair.NewEpoch ? RequestState.Failed : RequestState.NeedsRetry;
        }

        return ErrorCodes.IsRetriable(error) ? RequestState.NeedsRetry : RequestState.Failed;
    }

    /// <summary>Moves decided requests off the head, oldest first, tracking what the broker acknowledged.</summary>
    private void Settle(List<DrainedPartition> settled)
    {
        while (_requests.Count > 0 && _requests[0].State is RequestState.Succeeded or RequestState.Failed)
        {
            var head = _requests[0];
            _requests.RemoveAt(0);
            if (head.IsSequenced && head.State == RequestState.Succeeded)
            {
                AcknowledgedSequence = head.NextSequence;
                _gapPending = false;
            }
            else if (head.IsSequenced)
            {
                // Its records may or may not be in the log; the broker's answer to the next request will say.
                _gapPending = true;
            }

            settled.Add(head);
        }

        if (_requests.Count == 0)
        {
            Retrying = false;
        }

        if (!_requests.Exists(r => r.State == RequestState.OnWire))
        {
            ApplyRepair(settled);
        }
    }

    private bool StartRoundIfQuiet()
    {
        if (!Retrying || _roundRunning || _requests.Count == 0 || _requests.Exists(r => r.State == RequestState.OnWire))
        {
            return false;
        }

        _roundRunning = true;
        return true;
    }

    /// <summary>Renumbers the unacknowledged requests (and the next new batch) as the last sequence error asked.
    /// Called only while nothing of the partition is on the wire.</summary>
    private void ApplyRepair(List<DrainedPartition> settled)
    {
        if (_repair == SequenceRepair.None)
        {
            return;
        }

        var start = AcknowledgedSequence;
        if (_repair == SequenceRepair.NewEpoch)
        {
            if (Epoch == short.MaxValue)
            {
                FailAll(settled, "the partition's producer epoch is exhausted");
                return;
            }

            Epoch++;
            start = 0;
        }
        else if (_repair == SequenceRepair.FromZero)
        {
            start = 0;
        }

        _repair = SequenceRepair.None;
        _gapPending = false;
        AcknowledgedSequence = start;
        NextSequence = start;
        foreach (var request in _requests)
        {
            foreach (var batch in request.Batches)
            {
                batch.SetSequence(_producerId, Epoch, NextSequence);
                NextSequence = ProducerSequence.Add(NextSequence, batch.RecordCount);
            }
        }
    }

    private void FailAll(List<DrainedPartition> settled, string why)
    {
        _repair = SequenceRepair.None;
        foreach (var request in _requests)
        {
            request.State = RequestState.Failed;
            request.Outcome = PartitionOutcome.Failed(ErrorCode.OutOfOrderSequenceNumber, $"Not delivered: {why}.");
        }

        settled.AddRange(_requests);
        _requests.Clear();
        Retrying = false;
    }
}
