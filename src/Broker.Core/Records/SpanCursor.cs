namespace Broker.Core.Records;

/// <summary>Reads varints and length-prefixed byte strings from a record body, failing as a corrupt record.</summary>
internal ref struct SpanCursor
{
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly int _recordIndex;

    public SpanCursor(ReadOnlySpan<byte> bytes, int recordIndex)
    {
        _bytes = bytes;
        _recordIndex = recordIndex;
        Position = 0;
    }

    public int Position { get; private set; }

    public void Skip(int count)
    {
        if (count > _bytes.Length - Position)
        {
            throw RecordEnumerator.Corrupt($"record {_recordIndex} ends early");
        }

        Position += count;
    }

    public int ReadInt32()
    {
        if (!Varint.TryReadInt32(_bytes[Position..], out var value, out var read))
        {
            throw RecordEnumerator.Corrupt($"record {_recordIndex} has a bad varint");
        }

        Position += read;
        return value;
    }

    public long ReadInt64()
    {
        if (!Varint.TryReadInt64(_bytes[Position..], out var value, out var read))
        {
            throw RecordEnumerator.Corrupt($"record {_recordIndex} has a bad varint");
        }

        Position += read;
        return value;
    }

    /// <summary>A varint length then that many bytes; length -1 is null.</summary>
    public ReadOnlySpan<byte> ReadBytes(out bool isNull)
    {
        var length = ReadInt32();
        isNull = length == -1;
        if (length < -1 || length > _bytes.Length - Position)
        {
            throw RecordEnumerator.Corrupt($"record {_recordIndex} has a field of length {length} with {_bytes.Length - Position} bytes left");
        }

        if (isNull)
        {
            return default;
        }

        var bytes = _bytes.Slice(Position, length);
        Position += length;
        return bytes;
    }
}
