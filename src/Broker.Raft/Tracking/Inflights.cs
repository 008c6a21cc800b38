namespace Broker.Raft.Tracking;

/// <summary>
/// The appends sent to one follower and not yet acknowledged, by last index, oldest first. Bounding
/// their count is the flow control of the Replicate state: a slow follower gets at most
/// <see cref="Capacity"/> appends of at most AppendBytesMax each in flight, so the leader's memory and the
/// network queue toward it stay bounded. A ring buffer, allocated once per follower.
/// </summary>
internal sealed class Inflights
{
    private readonly long[] _lastIndices;
    private int _start;

    public Inflights(int capacity)
    {
        if (capacity <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "At least one append must be allowed in flight.");
        }

        _lastIndices = new long[capacity];
    }

    public int Capacity => _lastIndices.Length;

    public int Count { get; private set; }

    public bool IsFull => Count == Capacity;

    public void Add(long lastIndex)
    {
        if (IsFull)
        {
            throw new InvalidOperationException("Append sent while the in-flight window is full.");
        }

        _lastIndices[(_start + Count) % Capacity] = lastIndex;
        Count++;
    }

    /// <summary>Releases every append whose last index is at or below <paramref name="index"/>: the follower has them.</summary>
    public void FreeUpTo(long index)
    {
        while (Count > 0 && _lastIndices[_start] <= index)
        {
            _start = (_start + 1) % Capacity;
            Count--;
        }
    }

    /// <summary>Releases the oldest append, used when a heartbeat response shows the follower alive but the
    /// window full: the append was probably lost, and one slot lets the leader discover the gap.</summary>
    public void FreeFirstOne()
    {
        if (Count > 0)
        {
            _start = (_start + 1) % Capacity;
            Count--;
        }
    }

    public void Reset()
    {
        _start = 0;
        Count = 0;
    }
}
