using Broker.Core.Errors;
using Broker.Core.Records;

namespace Broker.Client.Tests.Support;

/// <summary>One partition's log in the fake broker: whole batches with their assigned base offsets, in memory.</summary>
public sealed class FakePartitionLog
{
    private readonly List<(long BaseOffset, byte[] Bytes)> _batches = [];
    private readonly Dictionary<long, (short Epoch, int NextSequence)> _producers = [];
    private readonly List<int> _sequencesReceived = [];
    private long _forgottenBelow;

    public int Leader { get; set; }

    /// <summary>The brokers holding a replica; null: every broker (one that is not the leader answers
    /// NOT_LEADER_OR_FOLLOWER). A broker not listed answers UNKNOWN_TOPIC_OR_PARTITION, as a Kafka broker does for a
    /// partition it does not host.</summary>
    public IReadOnlyList<int>? Replicas { get; set; }

    public long LogStartOffset { get; set; }

    public long HighWatermark { get; private set; }

    public IReadOnlyList<byte[]> Batches
    {
        get
        {
            lock (_batches)
            {
                return [.. _batches.Select(b => b.Bytes)];
            }
        }
    }

    /// <summary>Retries of idempotent batches answered with their original offsets instead of being appended.</summary>
    public int DuplicatesRecognised { get; private set; }

    /// <summary>Base sequences of every idempotent request received (duplicates and refusals included), in order.</summary>
    public IReadOnlyList<int> SequencesReceived
    {
        get
        {
            lock (_batches)
            {
                return [.. _sequencesReceived];
            }
        }
    }

    /// <summary>
    /// Appends the batches of a produce request's record set; returns the first base offset. Idempotent batches are
    /// checked as the broker checks them (one producer's consecutive sequences; a retry of a request already appended
    /// returns its original offset; a gap, an old epoch or an unknown producer past sequence 0 is refused).
    /// </summary>
    public (long BaseOffset, ErrorCode Error) Append(ReadOnlySpan<byte> records)
    {
        lock (_batches)
        {
            var firstHeader = RecordBatchHeader.Read(records);
            if (firstHeader.ProducerId >= 0)
            {
                _sequencesReceived.Add(firstHeader.BaseSequence);
                var error = CheckSequence(firstHeader, out var original);
                if (error != ErrorCode.None || original >= 0)
                {
                    DuplicatesRecognised += original >= 0 ? 1 : 0;
                    return (original, error);
                }
            }

            var first = HighWatermark;
            while (!records.IsEmpty)
            {
                var header = RecordBatchValidator.ValidateOrThrow(records, int.MaxValue, fromProducer: true);
                var copy = records[..header.TotalBytes].ToArray();
                RecordBatch.SetBaseOffset(copy, HighWatermark);
                _batches.Add((HighWatermark, copy));
                HighWatermark += header.RecordCount;
                records = records[header.TotalBytes..];
                if (header.ProducerId >= 0)
                {
                    _producers[header.ProducerId] = (header.ProducerEpoch, ProducerSequence.Add(header.BaseSequence, header.RecordCount));
                }
            }

            return (first, ErrorCode.None);
        }
    }

    private ErrorCode CheckSequence(in RecordBatchHeader first, out long original)
    {
        original = -1;
        foreach (var (baseOffset, bytes) in _batches)
        {
            var stored = RecordBatchHeader.Read(bytes);
            if (baseOffset >= _forgottenBelow && stored.ProducerId == first.ProducerId && stored.ProducerEpoch == first.ProducerEpoch && stored.BaseSequence == first.BaseSequence)
            {
                original = baseOffset;
                return ErrorCode.None;
            }
        }

        if (!_producers.TryGetValue(first.ProducerId, out var state))
        {
            return first.BaseSequence == 0 ? ErrorCode.None : ErrorCode.UnknownProducerId;
        }

        return first.ProducerEpoch < state.Epoch ? ErrorCode.InvalidProducerEpoch
            : first.ProducerEpoch > state.Epoch ? (first.BaseSequence == 0 ? ErrorCode.None : ErrorCode.OutOfOrderSequenceNumber)
            : first.BaseSequence == state.NextSequence ? ErrorCode.None : ErrorCode.OutOfOrderSequenceNumber;
    }

    /// <summary>Forgets every producer, as a broker does once their batches left the log and they expired.</summary>
    public void ForgetProducers()
    {
        lock (_batches)
        {
            _producers.Clear();
            _forgottenBelow = HighWatermark;
        }
    }

    /// <summary>Whole batches from the one containing <paramref name="offset"/>, at least one, then up to <paramref name="maxBytes"/>.</summary>
    public byte[] Read(long offset, int maxBytes)
    {
        lock (_batches)
        {
            var output = new List<byte>();
            foreach (var (baseOffset, bytes) in _batches)
            {
                var header = RecordBatchHeader.Read(bytes);
                if (header.NextOffset <= offset)
                {
                    continue;
                }

                if (output.Count > 0 && output.Count + bytes.Length > maxBytes)
                {
                    break;
                }

                output.AddRange(bytes);
            }

            return [.. output];
        }
    }

    public long OffsetForTimestamp(long timestampMs)
    {
        lock (_batches)
        {
            foreach (var (baseOffset, bytes) in _batches)
            {
                if (RecordBatchHeader.Read(bytes).MaxTimestamp >= timestampMs)
                {
                    return baseOffset;
                }
            }

            return -1;
        }
    }
}
