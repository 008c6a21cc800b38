using Broker.Core.Errors;
using Broker.Core.Records;

namespace Broker.Storage;

/// <summary>
/// Walks the records of an uncompressed records block without decoding values or headers (the cleaner copies them
/// as bytes). Throws <see cref="BrokerException"/> (CorruptMessage) when the bytes disagree with the record count:
/// a batch that passed its CRC but does not parse is not guessed at.
/// </summary>
internal ref struct RawRecordEnumerator
{
    private readonly ReadOnlySpan<byte> _block;
    private readonly int _count;
    private int _position;
    private int _index;

    public RawRecordEnumerator(ReadOnlySpan<byte> block, int count)
    {
        _block = block;
        _count = count;
        _position = 0;
        _index = 0;
        Current = default;
    }

    public RawRecord Current { get; private set; }

    public readonly RawRecordEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_index == _count)
        {
            return _position == _block.Length ? false : throw Corrupt($"{_block.Length - _position} bytes follow the last of {_count} records");
        }

        var rest = _block[_position..];
        if (!Varint.TryReadInt32(rest, out var length, out var lengthBytes) || length < 1 || length > rest.Length - lengthBytes)
        {
            throw Corrupt($"record {_index} has a bad length");
        }

        var body = rest.Slice(lengthBytes, length);
        var at = 1;
        var timestampDelta = ReadInt64(body, ref at, _index);
        var afterTimestamp = at;
        var offsetDelta = ReadInt32(body, ref at, _index);
        var key = ReadBytes(body, ref at, _index, out var keyIsNull);
        ReadBytes(body, ref at, _index, out var valueIsNull);
        Current = new RawRecord(rest[..(lengthBytes + length)], body[0], timestampDelta, body[afterTimestamp..], offsetDelta, key, keyIsNull, valueIsNull);
        _position += lengthBytes + length;
        _index++;
        return true;
    }

    private static long ReadInt64(ReadOnlySpan<byte> body, scoped ref int at, int index)
    {
        if (!Varint.TryReadInt64(body[at..], out var value, out var read))
        {
            throw Corrupt($"record {index} ends inside a varint");
        }

        at += read;
        return value;
    }

    private static int ReadInt32(ReadOnlySpan<byte> body, scoped ref int at, int index)
    {
        if (!Varint.TryReadInt32(body[at..], out var value, out var read))
        {
            throw Corrupt($"record {index} ends inside a varint");
        }

        at += read;
        return value;
    }

    private static ReadOnlySpan<byte> ReadBytes(ReadOnlySpan<byte> body, scoped ref int at, int index, out bool isNull)
    {
        var length = ReadInt32(body, ref at, index);
        isNull = length < 0;
        if (isNull)
        {
            return default;
        }

        if (length > body.Length - at)
        {
            throw Corrupt($"record {index} has a field longer than the record");
        }

        var bytes = body.Slice(at, length);
        at += length;
        return bytes;
    }

    private static BrokerException Corrupt(string what) => new(ErrorCode.CorruptMessage, $"Corrupt record batch: {what}.");
}
