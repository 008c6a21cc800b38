namespace Broker.Storage;

/// <summary>One record of an uncompressed records block as the cleaner needs it: its encoded bytes (to copy it
/// unchanged), the fields that decide whether it survives, and the bytes after its timestamp delta (to re-encode it
/// relative to a new base timestamp). Views into the block.</summary>
internal readonly ref struct RawRecord
{
    public RawRecord(ReadOnlySpan<byte> bytes, byte attributes, long timestampDelta, ReadOnlySpan<byte> afterTimestamp, int offsetDelta, ReadOnlySpan<byte> key, bool keyIsNull, bool valueIsNull)
    {
        Bytes = bytes;
        Attributes = attributes;
        TimestampDelta = timestampDelta;
        AfterTimestamp = afterTimestamp;
        OffsetDelta = offsetDelta;
        Key = key;
        KeyIsNull = keyIsNull;
        ValueIsNull = valueIsNull;
    }

    /// <summary>The whole record, its length prefix included.</summary>
    public ReadOnlySpan<byte> Bytes { get; }

    public byte Attributes { get; }

    public long TimestampDelta { get; }

    /// <summary>The body after the timestamp delta: offset delta, key, value and headers.</summary>
    public ReadOnlySpan<byte> AfterTimestamp { get; }

    public int OffsetDelta { get; }

    public ReadOnlySpan<byte> Key { get; }

    public bool KeyIsNull { get; }

    /// <summary>A null value: a tombstone.</summary>
    public bool ValueIsNull { get; }
}
