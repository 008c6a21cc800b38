namespace Broker.Raft;

/// <summary>
/// One log entry. Equality compares the data bytes, not the buffer reference, because the simulator
/// and tests compare entries that travelled through different copies.
/// </summary>
public readonly struct Entry : IEquatable<Entry>
{
    /// <summary>Bytes charged per entry on top of its data when sizing appends: index, term and type.</summary>
    public const int HeaderBytes = 17;

    public Entry(long index, long term, EntryType type, ReadOnlyMemory<byte> data)
    {
        Index = index;
        Term = term;
        Type = type;
        Data = data;
    }

    public Entry(long index, long term, ReadOnlyMemory<byte> data)
        : this(index, term, EntryType.Normal, data)
    {
    }

    public long Index { get; }

    public long Term { get; }

    public EntryType Type { get; }

    public ReadOnlyMemory<byte> Data { get; }

    public int SizeBytes => HeaderBytes + Data.Length;

    public Entry WithPosition(long index, long term) => new(index, term, Type, Data);

    public bool Equals(Entry other) =>
        Index == other.Index && Term == other.Term && Type == other.Type && Data.Span.SequenceEqual(other.Data.Span);

    public override bool Equals(object? obj) => obj is Entry other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Index, Term, Type, Data.Length);

    public static bool operator ==(Entry left, Entry right) => left.Equals(right);

    public static bool operator !=(Entry left, Entry right) => !left.Equals(right);

    public override string ToString() => $"{Term}/{Index} {Type} {Data.Length}B";
}
