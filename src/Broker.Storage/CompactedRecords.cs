using Broker.Core;
using Broker.Core.Errors;
using Broker.Core.Records;

namespace Broker.Storage;

/// <summary>
/// The produce-path rule of a compacted log (Kafka's "Compacted topic cannot accept message without key"): every
/// record needs a key. This is the one place the append path decodes records, and only for compacted logs, whose
/// traffic (group metadata, offsets, changelogs) is small; a reader per thread keeps it allocation-free after
/// warm-up.
/// </summary>
internal static class CompactedRecords
{
    [ThreadStatic]
    private static RecordBatchReader? t_reader;

    /// <summary>Throws InvalidRecord when a record of the (already validated) <paramref name="batches"/> has a null
    /// key; CorruptMessage when records do not parse.</summary>
    public static void RequireKeys(ReadOnlySpan<byte> batches, TopicPartition topicPartition)
    {
        var reader = t_reader ??= new RecordBatchReader();
        foreach (var batch in new RecordBatchEnumerator(batches))
        {
            var header = RecordBatchHeader.Read(batch);
            foreach (var record in reader.Read(batch))
            {
                if (record.KeyIsNull)
                {
                    throw new BrokerException(ErrorCode.InvalidRecord, $"{topicPartition} is compacted (cleanup.policy=compact) and refuses records without a key; the record at offset delta {record.Offset - header.BaseOffset} has none.");
                }
            }
        }
    }
}
