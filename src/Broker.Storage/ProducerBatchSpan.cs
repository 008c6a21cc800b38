using Broker.Core.Errors;
using Broker.Core.Records;

namespace Broker.Storage;

/// <summary>
/// The producer fields of the batches one append carries for a partition, checked to describe one producer's
/// consecutive records: one producer id and epoch for every batch, each batch's base sequence following the previous
/// batch's last. <see cref="ProducerId"/> is -1 for batches of a producer that is not idempotent.
/// </summary>
internal readonly record struct ProducerBatchSpan(long ProducerId, short ProducerEpoch, int FirstSequence, long RecordCount)
{
    public bool IsIdempotent => ProducerId >= 0;

    public int LastSequence => ProducerSequence.Add(FirstSequence, RecordCount - 1);

    /// <summary>Adds the next batch of the append (<paramref name="isFirst"/> for the first one).</summary>
    /// <exception cref="BrokerException">INVALID_RECORD when batches of different producers (or an idempotent batch
    /// without a sequence) share one append; OUT_OF_ORDER_SEQUENCE_NUMBER when a batch does not continue the last.</exception>
    public static ProducerBatchSpan Add(in ProducerBatchSpan span, in RecordBatchHeader header, bool isFirst)
    {
        if (isFirst)
        {
            if (header.ProducerId >= 0 && (header.ProducerEpoch < 0 || header.BaseSequence < 0))
            {
                throw new BrokerException(ErrorCode.InvalidRecord,
                    $"A batch of producer {header.ProducerId} has epoch {header.ProducerEpoch} and base sequence {header.BaseSequence}; an idempotent batch needs both.");
            }

            return new ProducerBatchSpan(Math.Max(header.ProducerId, RecordBatchLayout.NoProducerId), header.ProducerEpoch, header.BaseSequence, header.LastOffsetDelta + 1L);
        }

        if (header.ProducerId != span.ProducerId && (header.ProducerId >= 0 || span.IsIdempotent))
        {
            throw new BrokerException(ErrorCode.InvalidRecord,
                $"Batches of producers {span.ProducerId} and {header.ProducerId} in one append: a produce request carries one producer's batches per partition.");
        }

        if (!span.IsIdempotent)
        {
            return span;
        }

        if (header.ProducerEpoch != span.ProducerEpoch)
        {
            throw new BrokerException(ErrorCode.InvalidRecord, $"Producer {span.ProducerId} sent epochs {span.ProducerEpoch} and {header.ProducerEpoch} in one append.");
        }

        var expected = ProducerSequence.Add(span.FirstSequence, span.RecordCount);
        if (header.BaseSequence != expected)
        {
            throw new BrokerException(ErrorCode.OutOfOrderSequenceNumber,
                $"Producer {span.ProducerId}: a batch of the append starts at sequence {header.BaseSequence}, not {expected} after the batch before it.");
        }

        return span with { RecordCount = span.RecordCount + header.LastOffsetDelta + 1L };
    }
}
