using Broker.Core.Errors;
using Broker.Core.Records;

namespace Broker.Storage;

/// <summary>
/// The idempotent producers of one partition: producer id -> <see cref="ProducerState"/>. The leader checks each
/// append against it (<see cref="CheckSequence"/>) and records it (<see cref="Record"/>) under the log's writer lock,
/// so the check and the write are one step; replicas and recovery rebuild it from batch headers
/// (<see cref="ApplyFromLog"/>). Persisted by <see cref="ProducerSnapshotFile"/>. Not thread-safe.
/// <para>Rules (Kafka's), for an append of producer P, epoch E, sequences [s, s+n):</para>
/// <list type="bullet">
/// <item>P unknown: s must be 0, else UNKNOWN_PRODUCER_ID (the producer renumbers from 0, see docs/client.md).</item>
/// <item>E older than P's epoch: INVALID_PRODUCER_EPOCH. E newer: s must be 0 (a new epoch restarts the sequence),
/// else OUT_OF_ORDER_SEQUENCE_NUMBER.</item>
/// <item>Same epoch, [s, s+n) inside a remembered append: a retry of records already written. Nothing is appended;
/// the caller answers with the original offsets.</item>
/// <item>Same epoch, otherwise: s must be the next sequence, else OUT_OF_ORDER_SEQUENCE_NUMBER.</item>
/// </list>
/// </summary>
internal sealed class ProducerStateTable
{
    private readonly Dictionary<long, ProducerState> _producers = [];

    public int Count => _producers.Count;

    public IEnumerable<ProducerState> Producers => _producers.Values;

    public ProducerState? Get(long producerId) => _producers.GetValueOrDefault(producerId);

    /// <summary>True when <paramref name="span"/> repeats records already written, with their first offset and the
    /// timestamp remembered for them; false when it may be appended.</summary>
    /// <exception cref="BrokerException">UNKNOWN_PRODUCER_ID, INVALID_PRODUCER_EPOCH or OUT_OF_ORDER_SEQUENCE_NUMBER.</exception>
    public bool CheckSequence(in ProducerBatchSpan span, out long duplicateBaseOffset, out long duplicateTimestampMs)
    {
        duplicateBaseOffset = -1;
        duplicateTimestampMs = -1;
        if (!_producers.TryGetValue(span.ProducerId, out var state))
        {
            return span.FirstSequence == 0 ? false : throw new BrokerException(ErrorCode.UnknownProducerId,
                $"No state for producer {span.ProducerId} (it never wrote here, or it expired) and its batch starts at sequence {span.FirstSequence}, not 0.");
        }

        if (span.ProducerEpoch < state.Epoch)
        {
            throw new BrokerException(ErrorCode.InvalidProducerEpoch,
                $"Producer {span.ProducerId} sent epoch {span.ProducerEpoch}; this partition has seen epoch {state.Epoch}.");
        }

        if (span.ProducerEpoch > state.Epoch)
        {
            return span.FirstSequence == 0 ? false : throw new BrokerException(ErrorCode.OutOfOrderSequenceNumber,
                $"Producer {span.ProducerId} started epoch {span.ProducerEpoch} at sequence {span.FirstSequence}; a new epoch starts at 0.");
        }

        if (state.TryFindDuplicate(span.FirstSequence, span.RecordCount, out var original, out duplicateBaseOffset))
        {
            duplicateTimestampMs = original.TimestampMs;
            return true;
        }

        var expected = state.NextSequence;
        return span.FirstSequence == expected ? false : throw new BrokerException(ErrorCode.OutOfOrderSequenceNumber,
            $"Producer {span.ProducerId} epoch {span.ProducerEpoch} sent sequence {span.FirstSequence}; the next expected is {expected}.");
    }

    /// <summary>Records an append that <see cref="CheckSequence"/> allowed, once it is written.</summary>
    public void Record(in ProducerBatchSpan span, long baseOffset, long lastOffset, long timestampMs)
    {
        var state = StateFor(span.ProducerId, span.ProducerEpoch);
        state.Add(new ProducerAppend(span.FirstSequence, span.LastSequence, baseOffset, lastOffset, timestampMs));
    }

    /// <summary>Takes in a batch read from the log (recovery, a replica's append): the log is the truth, so nothing is
    /// checked. Batches without a producer (or without a sequence, as transaction markers) are skipped.</summary>
    public void ApplyFromLog(in RecordBatchHeader header)
    {
        if (header.ProducerId < 0 || header.BaseSequence < 0)
        {
            return;
        }

        var state = StateFor(header.ProducerId, header.ProducerEpoch);
        var lastSequence = ProducerSequence.LastOf(header.BaseSequence, header.LastOffsetDelta);
        state.AddFromLog(new ProducerAppend(header.BaseSequence, lastSequence, header.BaseOffset, header.LastOffset, header.MaxTimestamp));
    }

    /// <summary>Adds a producer read from a snapshot. Throws when the id is already present (a damaged snapshot).</summary>
    public void Restore(ProducerState state) => _producers.Add(state.ProducerId, state);

    /// <summary>
    /// Forgets producers idle for at least <paramref name="expirationMs"/> (their newest timestamp is that old). On a
    /// log that only deletes, a producer with a batch still in the log is kept however idle, so the table stays a
    /// function of the log: a rebuild finds the same producers. On a compacted log (<paramref name="compacted"/>) the
    /// log start never passes a producer's last batch (the cleaner keeps it while the producer is known), and clients
    /// take a new producer id at every start, so that rule would grow the table, every snapshot and the log without
    /// bound: there idle producers go whatever the log holds, as Kafka's do, and the table is a function of the log
    /// and the clock (a rebuild finds the expired ones again and this drops them again). Returns how many went.
    /// </summary>
    public int RemoveExpired(long nowMs, long logStartOffset, long expirationMs, bool compacted)
    {
        List<long>? expired = null;
        foreach (var (producerId, state) in _producers)
        {
            var last = state.Last;
            if ((compacted || last.LastOffset < logStartOffset) && nowMs - last.TimestampMs >= expirationMs)
            {
                (expired ??= []).Add(producerId);
            }
        }

        foreach (var producerId in expired ?? [])
        {
            _producers.Remove(producerId);
        }

        return expired?.Count ?? 0;
    }

    /// <summary>Producer id -> offset of its newest record: the batches the cleaner must keep (Kafka's rule).</summary>
    public IReadOnlyDictionary<long, long> LastOffsets()
    {
        if (_producers.Count == 0)
        {
            return System.Collections.Frozen.FrozenDictionary<long, long>.Empty;
        }

        var offsets = new Dictionary<long, long>(_producers.Count);
        foreach (var (producerId, state) in _producers)
        {
            offsets[producerId] = state.Last.LastOffset;
        }

        return offsets;
    }

    private ProducerState StateFor(long producerId, short epoch)
    {
        if (!_producers.TryGetValue(producerId, out var state))
        {
            state = new ProducerState(producerId, epoch);
            _producers.Add(producerId, state);
        }
        else if (state.Epoch != epoch)
        {
            state.StartEpoch(epoch);
        }

        return state;
    }
}
