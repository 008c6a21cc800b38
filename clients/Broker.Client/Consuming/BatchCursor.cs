using System.Text;
using Broker.Core;
using Broker.Core.Records;

namespace Broker.Client.Consuming;

/// <summary>
/// Walks the batches of a <see cref="CompletedFetch"/> for the application, skipping records below the position
/// (a fetch starts at the batch that contains the requested offset, which may begin earlier) and control batches.
/// Two ways out: copies into <see cref="ConsumeResult"/>s, or a zero-copy <see cref="RecordVisitor"/>.
/// </summary>
internal static class BatchCursor
{
    /// <summary>
    /// Decodes the next batch at or past <paramref name="position"/> into <paramref name="into"/>.
    /// Returns false when the fetch has no batches left; <paramref name="batchEnd"/> is the offset after the batch.
    /// </summary>
    public static bool DecodeNext(CompletedFetch fetch, RecordBatchReader reader, long position, Queue<ConsumeResult> into, out long batchEnd)
    {
        batchEnd = position;
        while (fetch.HasMoreBatches)
        {
            var batch = NextBatch(fetch, out var header);
            fetch.LastBatchStart = fetch.Cursor - batch.Length;
            batchEnd = Math.Max(batchEnd, header.NextOffset);
            if (header.IsControl || header.NextOffset <= position)
            {
                continue;
            }

            foreach (var record in reader.Read(batch))
            {
                if (record.Offset >= position)
                {
                    into.Enqueue(ToResult(fetch.Partition, header.TimestampType, record));
                }
            }

            return true;
        }

        return false;
    }

    /// <summary>
    /// Visits every remaining record at or past <paramref name="position"/>; returns the count and moves
    /// <paramref name="position"/> past what was visited, even when the visitor throws.
    /// </summary>
    public static int VisitRemaining(CompletedFetch fetch, RecordBatchReader reader, RecordVisitor visitor, ref long position)
    {
        var visited = 0;
        while (fetch.HasMoreBatches)
        {
            var batchStart = fetch.Cursor;
            var batch = NextBatch(fetch, out var header);
            if (!header.IsControl && header.NextOffset > position)
            {
                fetch.Cursor = batchStart; // until the batch is done, a throwing visitor resumes here
                foreach (var record in reader.Read(batch))
                {
                    if (record.Offset >= position)
                    {
                        visitor(fetch.Partition, record);
                        visited++;
                        position = record.Offset + 1;
                    }
                }

                fetch.Cursor = batchStart + batch.Length;
            }

            position = Math.Max(position, header.NextOffset);
        }

        return visited;
    }

    private static ReadOnlySpan<byte> NextBatch(CompletedFetch fetch, out RecordBatchHeader header)
    {
        var batches = new RecordBatchEnumerator(fetch.Records.Span[fetch.Cursor..]);
        if (!batches.MoveNext())
        {
            // The fetcher trimmed the records to whole batches, so this cannot happen on bytes it accepted.
            throw new InvalidOperationException($"A buffered fetch of {fetch.Partition} holds a partial batch at byte {fetch.Cursor}.");
        }

        var batch = batches.Current;
        header = RecordBatchHeader.Read(batch);
        fetch.Cursor += batch.Length;
        return batch;
    }

    private static ConsumeResult ToResult(TopicPartition partition, TimestampType timestampType, Record record)
    {
        var headers = record.Headers;
        var list = headers.Count == 0 ? [] : new RecordHeader[headers.Count];
        for (var i = 0; headers.MoveNext(); i++)
        {
            list[i] = new RecordHeader(Encoding.UTF8.GetString(headers.CurrentKey), headers.CurrentValueIsNull ? null : headers.CurrentValue.ToArray());
        }

        return new ConsumeResult
        {
            Topic = partition.Topic,
            Partition = partition.Partition,
            Offset = record.Offset,
            TimestampMs = record.TimestampMs,
            TimestampType = timestampType,
            Key = record.KeyIsNull ? null : record.Key.ToArray(),
            Value = record.ValueIsNull ? null : record.Value.ToArray(),
            Headers = list,
        };
    }
}
