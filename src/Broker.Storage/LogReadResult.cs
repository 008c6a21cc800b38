using Broker.Core.Errors;
using Microsoft.Win32.SafeHandles;

namespace Broker.Storage;

/// <summary>
/// Whole record batches found by <see cref="PartitionLog.Read"/>: <see cref="Length"/> bytes at
/// <see cref="FilePosition"/> of one segment file. A value that names bytes rather than holding them, so the server
/// can copy them once into a send buffer, or later hand the file range to sendfile.
/// <para>Validity: bytes of a segment removed by retention or truncation stay readable through
/// <see cref="FileHandle"/> until the file-delete delay passes. Only a truncation that cuts into the very segment
/// read (a follower rewriting its uncommitted tail, never below the high watermark) can replace them;
/// <see cref="TryCopyTo"/> detects that and fails instead of returning replaced bytes.</para>
/// </summary>
public readonly struct LogReadResult
{
    private readonly LogSegment? _segment;
    private readonly int _generation;

    internal LogReadResult(LogSegment? segment, int generation, long filePosition, int length, long firstOffset, long nextOffset)
    {
        _segment = segment;
        _generation = generation;
        FilePosition = filePosition;
        Length = length;
        FirstOffset = firstOffset;
        NextOffset = nextOffset;
    }

    /// <summary>The segment's log file; null for an empty result.</summary>
    public SafeFileHandle? FileHandle => _segment?.Handle;

    public long FilePosition { get; }

    public int Length { get; }

    /// <summary>Base offset of the first batch (may be below the offset asked for: the batch that holds it).</summary>
    public long FirstOffset { get; }

    /// <summary>The offset after the last batch: where the next read continues.</summary>
    public long NextOffset { get; }

    public bool IsEmpty => Length == 0;

    /// <summary>True while the bytes named are the bytes that were read (no truncation replaced them).</summary>
    public bool IsValid => _segment is null || _segment.Generation == _generation;

    internal static LogReadResult Empty(long offset) => new(null, 0, 0, 0, offset, offset);

    /// <summary>Copies the batches into <paramref name="destination"/> (at least <see cref="Length"/> bytes);
    /// false when a truncation replaced them meanwhile (read again).</summary>
    public bool TryCopyTo(Span<byte> destination)
    {
        if (_segment is null)
        {
            return true;
        }

        if (destination.Length < Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes; the result has {Length}.", nameof(destination));
        }

        try
        {
            var copied = 0;
            while (copied < Length)
            {
                var read = RandomAccess.Read(_segment.Handle, destination[copied..Length], FilePosition + copied);
                if (read == 0)
                {
                    return false;
                }

                copied += read;
            }
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        catch (IOException e)
        {
            throw StorageErrors.Wrap(e, $"reading {_segment.LogPath}");
        }

        return IsValid;
    }

    /// <summary>Like <see cref="TryCopyTo"/>; throws OffsetOutOfRange when the bytes were replaced.</summary>
    public void CopyTo(Span<byte> destination)
    {
        if (!TryCopyTo(destination))
        {
            throw new BrokerException(ErrorCode.OffsetOutOfRange, $"Offsets from {FirstOffset} were truncated while being read.");
        }
    }
}
