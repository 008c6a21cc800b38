using System.Buffers;
using System.Buffers.Binary;
using Broker.Core.Errors;
using Broker.Core.Records;
using static Broker.Core.Records.RecordBatchLayout;

namespace Broker.Storage;

/// <summary>
/// Reads the whole batches of one segment in order, 1 MiB per system call, each checked by
/// <see cref="RecordBatchValidator"/> (CRC included): the cleaner rewrites what it reads, so damage must stop it
/// rather than be copied with a fresh CRC. Bounded by the segment's published size. A batch is a view into the
/// scanner's buffer, valid until the next <see cref="TryNext"/>. Not thread-safe.
/// </summary>
internal sealed class SegmentBatchScanner : IDisposable
{
    private const int ChunkBytes = 1 << 20;

    private readonly LogSegment _segment;
    private readonly int _size;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
    private int _next;
    private long _bufferStart;
    private int _bufferLength;

    public SegmentBatchScanner(LogSegment segment)
    {
        _segment = segment;
        _size = segment.Size;
    }

    /// <summary>File position of the batch returned last.</summary>
    public int Position { get; private set; }

    public bool TryNext(out ReadOnlySpan<byte> batch, out RecordBatchHeader header)
    {
        batch = default;
        header = default;
        if (_next >= _size)
        {
            return false;
        }

        Position = _next;
        EnsureBuffered(Position, HeaderBytes);
        var total = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan((int)(Position - _bufferStart) + BatchLengthOffset)) + (long)LogOverheadBytes;
        if (total < HeaderBytes || Position + total > _size)
        {
            throw Damaged($"batch length {total} does not fit");
        }

        EnsureBuffered(Position, (int)total);
        batch = _buffer.AsSpan((int)(Position - _bufferStart), (int)total);
        var error = RecordBatchValidator.Validate(batch, int.MaxValue, fromProducer: false, out header);
        if (error != RecordBatchError.None)
        {
            throw Damaged(error.ToString());
        }

        _next = Position + (int)total;
        return true;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void EnsureBuffered(long position, int bytes)
    {
        if (position >= _bufferStart && position + bytes <= _bufferStart + _bufferLength)
        {
            return;
        }

        if (bytes > _buffer.Length)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(bytes);
        }

        _bufferStart = position;
        _bufferLength = 0;
        var want = (int)Math.Min(_buffer.Length, _size - position);
        while (_bufferLength < want)
        {
            var read = RandomAccess.Read(_segment.Handle, _buffer.AsSpan(_bufferLength, want - _bufferLength), position + _bufferLength);
            if (read == 0)
            {
                throw Damaged("the file is shorter than its published size");
            }

            _bufferLength += read;
        }

        if (_bufferLength < bytes)
        {
            throw Damaged("a batch runs past the published size");
        }
    }

    private BrokerException Damaged(string what) =>
        new(ErrorCode.StorageError, $"Segment {_segment.LogPath} is damaged at position {Position}: {what}; the cleaner stops rather than rewrite it.");
}
