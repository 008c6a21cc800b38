namespace Broker.Core.Records;

/// <summary>The headers of one record, decoded lazily from bytes already checked by <see cref="RecordEnumerator"/>.</summary>
public ref struct RecordHeaderEnumerator
{
    private SpanCursor _cursor;
    private int _remaining;

    public RecordHeaderEnumerator(ReadOnlySpan<byte> headers, int count)
    {
        _cursor = new SpanCursor(headers, 0);
        _remaining = count;
        Count = count;
        CurrentKey = default;
        CurrentValue = default;
        CurrentValueIsNull = false;
    }

    public int Count { get; }

    /// <summary>UTF-8 bytes of the current header's key.</summary>
    public ReadOnlySpan<byte> CurrentKey { get; private set; }

    public ReadOnlySpan<byte> CurrentValue { get; private set; }

    public bool CurrentValueIsNull { get; private set; }

    public bool MoveNext()
    {
        if (_remaining == 0)
        {
            return false;
        }

        _remaining--;
        CurrentKey = _cursor.ReadBytes(out _);
        CurrentValue = _cursor.ReadBytes(out var isNull);
        CurrentValueIsNull = isNull;
        return true;
    }
}
