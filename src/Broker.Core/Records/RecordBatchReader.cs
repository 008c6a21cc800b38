using Broker.Core.Buffers;
using Broker.Core.Compression;
using Broker.Core.Errors;
using static Broker.Core.Records.RecordBatchLayout;

namespace Broker.Core.Records;

/// <summary>
/// Iterates the records of a batch, decompressing the records block into a pooled buffer when a codec is set.
/// Records are views into that buffer or into the caller's bytes: valid until the next <see cref="Read"/>.
/// Malformed records throw <see cref="BrokerException"/> with <see cref="ErrorCode.CorruptMessage"/>. One reader
/// per consumer thread; reusing it keeps decoding free of allocation after warm-up.
/// </summary>
public sealed class RecordBatchReader : IDisposable
{
    /// <summary>A decompressed records block larger than this is refused: a guard against compression bombs.</summary>
    public const int DecompressedBytesMaxDefault = 64 * 1024 * 1024;

    private readonly PooledBufferWriter _decompressed = new(64 * 1024);
    private readonly int _decompressedBytesMax;

    public RecordBatchReader(int decompressedBytesMax = DecompressedBytesMaxDefault)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(decompressedBytesMax);
        _decompressedBytesMax = decompressedBytesMax;
    }

    /// <summary>
    /// Starts reading the records of the batch at the start of <paramref name="batch"/>. The batch should have been
    /// validated (<see cref="RecordBatchValidator"/>); only its framing is re-checked here.
    /// </summary>
    public RecordEnumerator Read(ReadOnlySpan<byte> batch)
    {
        if (batch.Length < HeaderBytes)
        {
            throw new BrokerException(ErrorCode.CorruptMessage, $"A batch needs at least {HeaderBytes} bytes, got {batch.Length}.");
        }

        var header = RecordBatchHeader.Read(batch);
        if (header.Magic != CurrentMagic || header.BatchLength < BatchLengthMin || header.TotalBytes > batch.Length)
        {
            throw new BrokerException(ErrorCode.CorruptMessage, $"Not a whole v2 batch: magic {header.Magic}, batchLength {header.BatchLength}, {batch.Length} bytes.");
        }

        var records = batch[HeaderBytes..header.TotalBytes];
        if (header.Compression != CompressionType.None)
        {
            _decompressed.Clear();
            CompressionCodecs.Get(header.Compression).Decompress(records, _decompressed, _decompressedBytesMax);
            records = _decompressed.WrittenSpan;
        }

        return new RecordEnumerator(header, records);
    }

    public void Dispose() => _decompressed.Dispose();
}
