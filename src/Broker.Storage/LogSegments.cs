namespace Broker.Storage;

/// <summary>
/// An immutable, base-offset-ordered list of a partition's segments; the last is the active one. The writer
/// replaces the whole list (copy-on-write) when it rolls, truncates or deletes, and publishes it with a volatile
/// write, so a reader works on one consistent list without locks. Copies cost O(segments) but happen only on
/// those rare changes, never per append.
/// </summary>
internal sealed class LogSegments
{
    private readonly LogSegment[] _segments;

    public LogSegments(LogSegment[] segments)
    {
        if (segments.Length == 0)
        {
            throw new InvalidOperationException("A log always has at least one segment.");
        }

        for (var i = 1; i < segments.Length; i++)
        {
            if (segments[i].BaseOffset <= segments[i - 1].BaseOffset)
            {
                throw new InvalidOperationException($"Segments out of order: {segments[i - 1].BaseOffset} then {segments[i].BaseOffset}.");
            }
        }

        _segments = segments;
    }

    public int Count => _segments.Length;

    public LogSegment Active => _segments[^1];

    public LogSegment First => _segments[0];

    public LogSegment this[int index] => _segments[index];

    public ReadOnlySpan<LogSegment> AsSpan() => _segments;

    /// <summary>Index of the segment with the largest base offset at most <paramref name="offset"/>, or -1.</summary>
    public int FloorIndex(long offset)
    {
        var lo = 0;
        var hi = _segments.Length - 1;
        var found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_segments[mid].BaseOffset <= offset)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    public long TotalBytes()
    {
        var total = 0L;
        foreach (var segment in _segments)
        {
            total += segment.Size;
        }

        return total;
    }

    public LogSegments Append(LogSegment segment) => new([.. _segments, segment]);

    /// <summary>The list without its first <paramref name="count"/> segments.</summary>
    public LogSegments DropFirst(int count) => new(_segments[count..]);

    /// <summary>The list cut to its first <paramref name="count"/> segments.</summary>
    public LogSegments Take(int count) => new(_segments[..count]);
}
