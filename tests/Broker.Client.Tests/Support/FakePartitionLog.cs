using Broker.Core.Records;

namespace Broker.Client.Tests.Support;

/// <summary>One partition's log in the fake broker: whole batches with their assigned base offsets, in memory.</summary>
public sealed class FakePartitionLog
{
    private readonly List<(long BaseOffset, byte[] Bytes)> _batches = [];

    public int Leader { get; set; }

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

    /// <summary>Appends the batches of a produce request's record set; returns the first base offset.</summary>
    public long Append(ReadOnlySpan<byte> records)
    {
        lock (_batches)
        {
            var first = HighWatermark;
            while (!records.IsEmpty)
            {
                var header = RecordBatchValidator.ValidateOrThrow(records, int.MaxValue, fromProducer: true);
                var copy = records[..header.TotalBytes].ToArray();
                RecordBatch.SetBaseOffset(copy, HighWatermark);
                _batches.Add((HighWatermark, copy));
                HighWatermark += header.RecordCount;
                records = records[header.TotalBytes..];
            }

            return first;
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
