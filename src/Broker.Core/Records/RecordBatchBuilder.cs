using System.Buffers.Binary;
using System.Text;
using Broker.Core.Buffers;
using Broker.Core.Compression;
using static Broker.Core.Records.RecordBatchLayout;

namespace Broker.Core.Records;

/// <summary>
/// Builds one RecordBatch v2 at a time, the way a producer fills a partition's batch: <see cref="Append"/> records,
/// then <see cref="Seal"/> writes the header, compresses the records block if a codec is set, and computes the
/// CRC-32C. Records are encoded straight into a pooled buffer: after warm-up, building a batch allocates nothing
/// per record. Reuse the builder with <see cref="Reset"/>. Not thread-safe: one producer partition queue owns it.
/// </summary>
public sealed class RecordBatchBuilder : IDisposable
{
    private readonly PooledBufferWriter _batch;
    private readonly PooledBufferWriter _compressed;
    private long _baseTimestampMs;
    private long _maxTimestampMs;
    private long _producerId = NoProducerId;
    private short _producerEpoch = NoProducerEpoch;
    private int _baseSequence = NoSequence;
    private bool _sealed;

    public RecordBatchBuilder(CompressionType compression = CompressionType.None, int initialCapacityBytes = 16 * 1024)
    {
        _batch = new PooledBufferWriter(Math.Max(initialCapacityBytes, HeaderBytes));
        _compressed = new PooledBufferWriter(HeaderBytes);
        Compression = compression;
        Reset();
    }

    /// <summary>The codec applied by <see cref="Seal"/>. Snappy is refused there, not here.</summary>
    public CompressionType Compression { get; set; }

    public int RecordCount { get; private set; }

    /// <summary>Uncompressed size of the batch so far: what a producer compares with its batch size.</summary>
    public int SizeBytes => _batch.WrittenCount;

    /// <summary>Starts a new, empty batch. Buffers are kept.</summary>
    public void Reset()
    {
        _batch.Clear();
        _batch.GetSpan(HeaderBytes)[..HeaderBytes].Clear();
        _batch.Advance(HeaderBytes);
        RecordCount = 0;
        _baseTimestampMs = 0;
        _maxTimestampMs = 0;
        _producerId = NoProducerId;
        _producerEpoch = NoProducerEpoch;
        _baseSequence = NoSequence;
        _sealed = false;
    }

    /// <summary>Identifies an idempotent producer's batch (written to the header at <see cref="Seal"/>).</summary>
    public void SetProducer(long producerId, short producerEpoch, int baseSequence)
    {
        _producerId = producerId;
        _producerEpoch = producerEpoch;
        _baseSequence = baseSequence;
    }

    /// <summary>Bytes a record will take in the batch (before compression), without building it.</summary>
    public int MeasureRecord(long timestampMs, int keyBytes, int valueBytes, ReadOnlySpan<RecordHeader> headers)
    {
        var timestampDelta = RecordCount == 0 ? 0 : timestampMs - _baseTimestampMs;
        var body = BodyBytes(timestampDelta, RecordCount, keyBytes, valueBytes, headers);
        return Varint.SizeOf(body) + body;
    }

    /// <summary>Appends a record. A null key or value is distinct from an empty one, as in Kafka.</summary>
    /// <remarks>Arrays, not <see cref="ReadOnlyMemory{T}"/>: a null array converts implicitly to an empty, non-null
    /// memory, which would turn a null key into an empty one unnoticed. Slices go through the span overload.</remarks>
    /// <returns>The record's offset delta within the batch.</returns>
    public int Append(long timestampMs, byte[]? key, byte[]? value, ReadOnlySpan<RecordHeader> headers = default) =>
        Append(timestampMs, key, key is null, value, value is null, headers);

    /// <summary>Appends a record from spans; <paramref name="keyIsNull"/> and <paramref name="valueIsNull"/> say null.</summary>
    public int Append(long timestampMs, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull, ReadOnlySpan<RecordHeader> headers = default)
    {
        if (_sealed)
        {
            throw new InvalidOperationException("The batch is sealed; call Reset before appending.");
        }

        if (RecordCount == 0)
        {
            _baseTimestampMs = timestampMs;
            _maxTimestampMs = timestampMs;
        }

        _maxTimestampMs = Math.Max(_maxTimestampMs, timestampMs);
        var timestampDelta = timestampMs - _baseTimestampMs;
        var keyLength = keyIsNull ? -1 : key.Length;
        var valueLength = valueIsNull ? -1 : value.Length;
        var body = BodyBytes(timestampDelta, RecordCount, Math.Max(keyLength, 0), Math.Max(valueLength, 0), headers);
        var total = Varint.SizeOf(body) + body;

        var span = _batch.GetSpan(total);
        var at = Varint.Write(span, body);
        span[at++] = 0; // record attributes: unused in v2
        at += Varint.Write(span[at..], timestampDelta);
        at += Varint.Write(span[at..], RecordCount);
        at += WriteBytes(span[at..], key, keyLength);
        at += WriteBytes(span[at..], value, valueLength);
        at += Varint.Write(span[at..], headers.Length);
        foreach (var header in headers)
        {
            at += Varint.Write(span[at..], Encoding.UTF8.GetByteCount(header.Key));
            at += Encoding.UTF8.GetBytes(header.Key, span[at..]);
            at += WriteBytes(span[at..], header.Value, header.Value is null ? -1 : header.Value.Length);
        }

        System.Diagnostics.Debug.Assert(at == total, "record size was measured wrongly");
        _batch.Advance(total);
        return RecordCount++;
    }

    /// <summary>
    /// Completes the batch: header, compression, CRC. The returned bytes stay valid, and may be patched in place
    /// (base offset, leader epoch), until the next <see cref="Reset"/> or <see cref="Dispose"/>.
    /// </summary>
    public Memory<byte> Seal()
    {
        if (RecordCount == 0)
        {
            throw new InvalidOperationException("An empty batch cannot be sealed: a producer batch holds at least one record.");
        }

        if (_sealed)
        {
            throw new InvalidOperationException("The batch is already sealed.");
        }

        var output = _batch;
        if (Compression != CompressionType.None)
        {
            var codec = CompressionCodecs.Get(Compression);
            _compressed.Clear();
            _compressed.GetSpan(HeaderBytes)[..HeaderBytes].Clear();
            _compressed.Advance(HeaderBytes);
            codec.Compress(_batch.WrittenSpan[HeaderBytes..], _compressed);
            output = _compressed;
        }

        var batch = output.WrittenMemoryMutable;
        WriteHeader(batch.Span);
        _sealed = true;
        return batch;
    }

    public void Dispose()
    {
        _batch.Dispose();
        _compressed.Dispose();
    }

    private void WriteHeader(Span<byte> batch)
    {
        BinaryPrimitives.WriteInt64BigEndian(batch[BaseOffsetOffset..], 0);
        BinaryPrimitives.WriteInt32BigEndian(batch[BatchLengthOffset..], batch.Length - LogOverheadBytes);
        BinaryPrimitives.WriteInt32BigEndian(batch[PartitionLeaderEpochOffset..], -1); // set by the leader on append
        batch[MagicOffset] = CurrentMagic;
        BinaryPrimitives.WriteInt16BigEndian(batch[AttributesOffset..], (short)((byte)Compression & CompressionMask));
        BinaryPrimitives.WriteInt32BigEndian(batch[LastOffsetDeltaOffset..], RecordCount - 1);
        BinaryPrimitives.WriteInt64BigEndian(batch[BaseTimestampOffset..], _baseTimestampMs);
        BinaryPrimitives.WriteInt64BigEndian(batch[MaxTimestampOffset..], _maxTimestampMs);
        BinaryPrimitives.WriteInt64BigEndian(batch[ProducerIdOffset..], _producerId);
        BinaryPrimitives.WriteInt16BigEndian(batch[ProducerEpochOffset..], _producerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(batch[BaseSequenceOffset..], _baseSequence);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordCountOffset..], RecordCount);
        BinaryPrimitives.WriteUInt32BigEndian(batch[CrcOffset..], Crc32C.Compute(batch[AttributesOffset..]));
    }

    private static int BodyBytes(long timestampDelta, int offsetDelta, int keyBytes, int valueBytes, ReadOnlySpan<RecordHeader> headers)
    {
        // A null key or value is encoded as length -1, one varint byte, the same as length 0.
        var body = 1 + Varint.SizeOf(timestampDelta) + Varint.SizeOf(offsetDelta)
            + Varint.SizeOf(keyBytes) + keyBytes + Varint.SizeOf(valueBytes) + valueBytes + Varint.SizeOf(headers.Length);
        foreach (var header in headers)
        {
            ArgumentNullException.ThrowIfNull(header.Key, nameof(headers));
            var keyLength = Encoding.UTF8.GetByteCount(header.Key);
            var valueLength = header.Value?.Length ?? 0;
            body += Varint.SizeOf(keyLength) + keyLength + Varint.SizeOf(valueLength) + valueLength;
        }

        return body;
    }

    private static int WriteBytes(Span<byte> destination, ReadOnlySpan<byte> bytes, int length)
    {
        var at = Varint.Write(destination, length);
        bytes.CopyTo(destination[at..]);
        return at + bytes.Length;
    }
}
