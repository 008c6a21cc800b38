using Broker.Core.Errors;
using Broker.Core.Records;

namespace Broker.Client.Consuming;

/// <summary>
/// The whole batches at the start of one partition's fetched records: how many bytes they cover and the offset after
/// the last of them (where the next fetch starts). A partial batch at the end, normal when a response hits its byte
/// limit, is left out. With CRC checks on, a batch whose CRC-32C does not match ends the scan with an error.
/// </summary>
internal readonly record struct FetchedBatches(int CompleteBytes, long NextOffset, BrokerException? Error)
{
    public static FetchedBatches Scan(ReadOnlySpan<byte> records, bool checkCrcs, long fetchOffset)
    {
        var nextOffset = fetchOffset;
        var complete = 0;
        var batches = new RecordBatchEnumerator(records);
        while (batches.MoveNext())
        {
            var batch = batches.Current;
            RecordBatchHeader header;
            if (checkCrcs)
            {
                var error = RecordBatchValidator.Validate(batch, int.MaxValue, fromProducer: false, out header);
                if (error != RecordBatchError.None)
                {
                    return new FetchedBatches(complete, nextOffset, new BrokerException(ErrorCode.CorruptMessage,
                        $"Fetched batch at offset {header.BaseOffset} failed validation ({error}); seek past it to skip it."));
                }
            }
            else
            {
                header = RecordBatchHeader.Read(batch);
            }

            complete = batches.BytesConsumed;
            nextOffset = Math.Max(nextOffset, header.NextOffset);
        }

        return new FetchedBatches(complete, nextOffset, null);
    }
}
