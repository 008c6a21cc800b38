using System.Buffers;
using System.Buffers.Binary;
using Broker.Core.Buffers;
using Broker.Core.Compression;
using Broker.Core.Records;
using static Broker.Core.Records.RecordBatchLayout;

namespace Broker.Storage;

/// <summary>
/// Rewrites one record batch for the cleaner: keeps a record only if it is the latest of its key in the
/// <see cref="OffsetMap"/> (or its key is not in the map) and, for a tombstone, only until the batch's delete
/// horizon. The batch keeps its base offset, lastOffsetDelta (so its offset range is unchanged and record offsets
/// stay valid), partition leader epoch, producer fields and codec; a compressed batch is decompressed, filtered and
/// recompressed with the same codec. A batch that loses nothing is copied byte for byte.
/// <para>Delete horizon (Kafka's KIP-534): the first time a batch with surviving tombstones is cleaned, it is marked
/// with <see cref="RecordBatchLayout.DeleteHorizonFlag"/> and its baseTimestamp becomes now + delete.retention.ms
/// (record timestamp deltas are re-encoded against it, so every record keeps its timestamp). Later passes drop its
/// tombstones once the horizon has passed. The horizon lives in the batch itself, so it survives restarts and
/// replicas.</para>
/// <para>Records without a key are dropped (Kafka counts them as invalid: a compacted log cannot hold them).
/// Control batches (transaction markers) are kept as they are. Not thread-safe: one per cleaner pass, buffers
/// reused across batches.</para>
/// </summary>
internal sealed class BatchFilter : IDisposable
{
    private readonly PooledBufferWriter _decompressed = new(64 * 1024);
    private readonly PooledBufferWriter _records = new(64 * 1024);
    private readonly PooledBufferWriter _compressed = new(64 * 1024);
    private bool[] _keep = new bool[256];

    /// <summary>The uncompressed records block of <paramref name="batch"/>: a view of the batch, or of a buffer
    /// valid until the next call.</summary>
    public ReadOnlySpan<byte> RecordsOf(ReadOnlySpan<byte> batch, in RecordBatchHeader header)
    {
        var block = batch[HeaderBytes..header.TotalBytes];
        if (header.Compression == CompressionType.None || header.RecordCount == 0)
        {
            return block;
        }

        _decompressed.Clear();
        CompressionCodecs.Get(header.Compression).Decompress(block, _decompressed, RecordBatchReader.DecompressedBytesMaxDefault);
        return _decompressed.WrittenSpan;
    }

    /// <summary>Appends the filtered batch to <paramref name="destination"/>. With <paramref name="keepEmpty"/> a
    /// batch that loses every record is still written, as a header with no records, so the offset range it covered
    /// stays visible (the cleaner keeps a cleaned segment's last batch this way).</summary>
    public BatchFilterResult Filter(ReadOnlySpan<byte> batch, in RecordBatchHeader header, OffsetMap map, long nowMs, long deleteRetentionMs, bool keepEmpty, IBufferWriter<byte> destination)
    {
        if (header.IsControl)
        {
            destination.Write(batch[..header.TotalBytes]);
            return new BatchFilterResult(header.RecordCount, 0, 0, header.TotalBytes, false);
        }

        var block = RecordsOf(batch, header);
        var hasHorizon = (header.Attributes & DeleteHorizonFlag) != 0;
        var tombstonesExpire = hasHorizon && nowMs >= header.BaseTimestamp;
        var (kept, removed, tombstonesRemoved, tombstonesKept) = Decide(block, header, map, tombstonesExpire);
        var newHorizon = !hasHorizon && tombstonesKept > 0;
        if (removed == 0 && !newHorizon)
        {
            destination.Write(batch[..header.TotalBytes]);
            return new BatchFilterResult(kept, 0, 0, header.TotalBytes, false);
        }

        if (kept == 0 && !keepEmpty)
        {
            return new BatchFilterResult(0, removed, tombstonesRemoved, 0, true);
        }

        var baseTimestamp = newHorizon ? nowMs + deleteRetentionMs : header.BaseTimestamp;
        var maxTimestamp = WriteKept(block, header, baseTimestamp);
        var written = WriteBatch(header, kept, newHorizon, baseTimestamp, maxTimestamp, destination);
        return new BatchFilterResult(kept, removed, tombstonesRemoved, written, true);
    }

    public void Dispose()
    {
        _decompressed.Dispose();
        _records.Dispose();
        _compressed.Dispose();
    }

    private (int Kept, int Removed, int TombstonesRemoved, int TombstonesKept) Decide(ReadOnlySpan<byte> block, in RecordBatchHeader header, OffsetMap map, bool tombstonesExpire)
    {
        if (_keep.Length < header.RecordCount)
        {
            _keep = new bool[Math.Max(header.RecordCount, _keep.Length * 2)];
        }

        int kept = 0, removed = 0, tombstonesRemoved = 0, tombstonesKept = 0, index = 0;
        foreach (var record in new RawRecordEnumerator(block, header.RecordCount))
        {
            var latest = record.KeyIsNull ? long.MaxValue : map.Get(record.Key);
            var keep = header.BaseOffset + record.OffsetDelta >= latest && !(record.ValueIsNull && tombstonesExpire);
            _keep[index++] = keep;
            if (keep)
            {
                kept++;
                tombstonesKept += record.ValueIsNull ? 1 : 0;
            }
            else
            {
                removed++;
                tombstonesRemoved += record.ValueIsNull ? 1 : 0;
            }
        }

        return (kept, removed, tombstonesRemoved, tombstonesKept);
    }

    /// <summary>Writes the kept records to the records buffer, re-encoding timestamp deltas when the base timestamp
    /// changes; returns the largest kept timestamp (the batch's own for LogAppendTime, whose records carry none).</summary>
    private long WriteKept(ReadOnlySpan<byte> block, in RecordBatchHeader header, long baseTimestamp)
    {
        _records.Clear();
        var appendTime = header.TimestampType == TimestampType.LogAppendTime;
        var reencode = baseTimestamp != header.BaseTimestamp && !appendTime;
        var maxTimestamp = long.MinValue;
        var index = 0;
        foreach (var record in new RawRecordEnumerator(block, header.RecordCount))
        {
            if (!_keep[index++])
            {
                continue;
            }

            var timestamp = header.BaseTimestamp + record.TimestampDelta;
            maxTimestamp = Math.Max(maxTimestamp, timestamp);
            if (!reencode)
            {
                _records.Write(record.Bytes);
                continue;
            }

            var delta = timestamp - baseTimestamp;
            var bodyBytes = 1 + Varint.SizeOf(delta) + record.AfterTimestamp.Length;
            var span = _records.GetSpan(Varint.Int32BytesMax + bodyBytes);
            var at = Varint.Write(span, bodyBytes);
            span[at++] = record.Attributes;
            at += Varint.Write(span[at..], delta);
            record.AfterTimestamp.CopyTo(span[at..]);
            _records.Advance(at + record.AfterTimestamp.Length);
        }

        return appendTime || maxTimestamp == long.MinValue ? header.MaxTimestamp : maxTimestamp;
    }

    private int WriteBatch(in RecordBatchHeader header, int kept, bool newHorizon, long baseTimestamp, long maxTimestamp, IBufferWriter<byte> destination)
    {
        // An empty records block is written uncompressed: codecs do not agree on what an empty stream is.
        var codec = kept == 0 ? CompressionType.None : header.Compression;
        var records = _records.WrittenSpan;
        if (codec != CompressionType.None)
        {
            _compressed.Clear();
            CompressionCodecs.Get(codec).Compress(records, _compressed);
            records = _compressed.WrittenSpan;
        }

        var attributes = (short)((header.Attributes & ~CompressionMask) | (byte)codec | (newHorizon ? DeleteHorizonFlag : 0));
        var total = HeaderBytes + records.Length;
        var batch = destination.GetSpan(total)[..total];
        BinaryPrimitives.WriteInt64BigEndian(batch[BaseOffsetOffset..], header.BaseOffset);
        BinaryPrimitives.WriteInt32BigEndian(batch[BatchLengthOffset..], total - LogOverheadBytes);
        BinaryPrimitives.WriteInt32BigEndian(batch[PartitionLeaderEpochOffset..], header.PartitionLeaderEpoch);
        batch[MagicOffset] = CurrentMagic;
        BinaryPrimitives.WriteInt16BigEndian(batch[AttributesOffset..], attributes);
        BinaryPrimitives.WriteInt32BigEndian(batch[LastOffsetDeltaOffset..], header.LastOffsetDelta);
        BinaryPrimitives.WriteInt64BigEndian(batch[BaseTimestampOffset..], baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch[MaxTimestampOffset..], maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch[ProducerIdOffset..], header.ProducerId);
        BinaryPrimitives.WriteInt16BigEndian(batch[ProducerEpochOffset..], header.ProducerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(batch[BaseSequenceOffset..], header.BaseSequence);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordCountOffset..], kept);
        records.CopyTo(batch[HeaderBytes..]);
        RecordBatch.UpdateCrc(batch);
        destination.Advance(total);
        return total;
    }
}
