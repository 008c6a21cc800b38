namespace Broker.Core.Records;

/// <summary>One decoded record: views into the batch bytes, valid while those bytes are.</summary>
public readonly ref struct Record
{
    public Record(long offset, long timestampMs, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull, RecordHeaderEnumerator headers)
    {
        Offset = offset;
        TimestampMs = timestampMs;
        Key = key;
        KeyIsNull = keyIsNull;
        Value = value;
        ValueIsNull = valueIsNull;
        Headers = headers;
    }

    public long Offset { get; }

    public long TimestampMs { get; }

    public ReadOnlySpan<byte> Key { get; }

    /// <summary>True for a null key (length -1), which Kafka distinguishes from an empty one.</summary>
    public bool KeyIsNull { get; }

    public ReadOnlySpan<byte> Value { get; }

    /// <summary>True for a null value: in a compacted topic, a tombstone.</summary>
    public bool ValueIsNull { get; }

    public RecordHeaderEnumerator Headers { get; }
}
