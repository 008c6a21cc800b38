using Broker.Core.Errors;

namespace Broker.Core.Records;

/// <summary>
/// Decodes the varint-framed records of one (uncompressed) records block. Stops after the header's record count
/// and throws <see cref="BrokerException"/> (<see cref="ErrorCode.CorruptMessage"/>) if the bytes disagree with it.
/// </summary>
public ref struct RecordEnumerator
{
    private readonly RecordBatchHeader _header;
    private readonly ReadOnlySpan<byte> _records;
    private int _position;
    private int _index;

    public RecordEnumerator(RecordBatchHeader header, ReadOnlySpan<byte> records)
    {
        _header = header;
        _records = records;
        _position = 0;
        _index = 0;
        Current = default;
    }

    public Record Current { get; private set; }

    public readonly RecordEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_index == _header.RecordCount)
        {
            if (_position != _records.Length)
            {
                throw Corrupt($"{_records.Length - _position} bytes follow the last of {_header.RecordCount} records");
            }

            return false;
        }

        var rest = _records[_position..];
        if (!Varint.TryReadInt32(rest, out var length, out var lengthBytes) || length < 0 || length > rest.Length - lengthBytes)
        {
            throw Corrupt($"record {_index} has a bad length");
        }

        Current = ParseBody(rest.Slice(lengthBytes, length));
        _position += lengthBytes + length;
        _index++;
        return true;
    }

    private readonly Record ParseBody(ReadOnlySpan<byte> body)
    {
        var reader = new SpanCursor(body, _index);
        reader.Skip(1); // record attributes: unused in v2
        var timestampDelta = reader.ReadInt64();
        var offsetDelta = reader.ReadInt32();
        var key = reader.ReadBytes(out var keyIsNull);
        var value = reader.ReadBytes(out var valueIsNull);
        var headerCount = reader.ReadInt32();
        if (headerCount < 0)
        {
            throw Corrupt($"record {_index} has {headerCount} headers");
        }

        var headersStart = reader.Position;
        for (var i = 0; i < headerCount; i++)
        {
            reader.ReadBytes(out _);
            reader.ReadBytes(out _);
        }

        if (reader.Position != body.Length)
        {
            throw Corrupt($"record {_index} has {body.Length - reader.Position} bytes after its headers");
        }

        var timestamp = _header.TimestampType == TimestampType.LogAppendTime ? _header.MaxTimestamp : _header.BaseTimestamp + timestampDelta;
        return new Record(_header.BaseOffset + offsetDelta, timestamp, key, keyIsNull, value, valueIsNull,
            new RecordHeaderEnumerator(body[headersStart..], headerCount));
    }

    internal static BrokerException Corrupt(string what) => new(ErrorCode.CorruptMessage, $"Corrupt record batch: {what}.");
}
