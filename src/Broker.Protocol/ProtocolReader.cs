using System.Buffers.Binary;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Broker.Protocol;

/// <summary>
/// Reads the native protocol's types from one contiguous frame body. Every read checks the bytes left first and
/// throws <see cref="ProtocolException"/> (<see cref="ProtocolViolation.MalformedBody"/>) instead of running off the
/// end, and every length or count read from the wire is checked against the bytes actually present before anything
/// is allocated: a count claiming two billion elements in a 100-byte body is refused, not allocated.
/// <see cref="ReadBytes"/> returns slices of the body, so record sets are never copied.
/// </summary>
public ref struct ProtocolReader
{
    // Strict: invalid UTF-8 is a malformed body, not text silently rewritten with U+FFFD.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlyMemory<byte> _buffer;
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public ProtocolReader(ReadOnlyMemory<byte> buffer)
    {
        _buffer = buffer;
        _span = buffer.Span;
    }

    public readonly int Position => _position;

    public readonly int RemainingBytes => _span.Length - _position;

    public readonly bool IsAtEnd => _position == _span.Length;

    public sbyte ReadInt8() => (sbyte)Take(1)[0];

    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(sizeof(short)));

    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(sizeof(int)));

    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(sizeof(long)));

    /// <summary>One byte, 0 or 1. Any other value is refused: a peer sending it has a bug worth hearing about.</summary>
    public bool ReadBoolean()
    {
        var value = Take(1)[0];
        return value switch
        {
            0 => false,
            1 => true,
            _ => throw Malformed($"boolean byte {value} at {_position - 1} is neither 0 nor 1"),
        };
    }

    /// <summary>An int16-length UTF-8 string that must not be null.</summary>
    public string ReadString() => ReadNullableString() ?? throw Malformed($"null string at {_position - 2} where one is required");

    /// <summary>An int16-length UTF-8 string; length -1 is null.</summary>
    public string? ReadNullableString()
    {
        var length = ReadInt16();
        if (length == -1)
        {
            return null;
        }

        if (length < -1)
        {
            throw Malformed($"string length {length} at {_position - 2}");
        }

        var bytes = Take(length);
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw Malformed($"string at {_position - length} is not UTF-8 ({e.Message})");
        }
    }

    /// <summary>
    /// An int32 element count that must not be null. <paramref name="elementBytesMin"/> is the smallest encoding of
    /// one element; a count the remaining bytes could not hold is refused before the caller allocates for it.
    /// </summary>
    public int ReadArrayCount(int elementBytesMin)
    {
        var count = ReadNullableArrayCount(elementBytesMin);
        return count >= 0 ? count : throw Malformed($"null array at {_position - 4} where one is required");
    }

    /// <summary>As <see cref="ReadArrayCount"/>, but -1 (null) is allowed and returned as -1.</summary>
    public int ReadNullableArrayCount(int elementBytesMin)
    {
        Debug.Assert(elementBytesMin > 0, "every element takes at least one byte, or a count could not be bounded");
        var count = ReadInt32();
        if (count == -1)
        {
            return -1;
        }

        if (count < -1)
        {
            throw Malformed($"array count {count} at {_position - 4}");
        }

        if (count > RemainingBytes / elementBytesMin)
        {
            throw Malformed(
                $"array count {count} at {_position - 4} needs at least {(long)count * elementBytesMin} bytes; {RemainingBytes} remain");
        }

        return count;
    }

    /// <summary>An int32-length byte string, returned as a slice of the body (no copy). Length -1 is refused.</summary>
    public ReadOnlyMemory<byte> ReadBytes()
    {
        var length = ReadInt32();
        if (length < 0)
        {
            throw Malformed($"byte length {length} at {_position - 4}");
        }

        var start = _position;
        Take(length);
        return _buffer.Slice(start, length);
    }

    /// <summary>An array of int32 (replica lists): count, then the values.</summary>
    public int[] ReadInt32Array()
    {
        var count = ReadArrayCount(sizeof(int));
        var values = count == 0 ? [] : new int[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ReadInt32();
        }

        return values;
    }

    /// <summary>An array of non-null strings.</summary>
    public string[] ReadStringArray() => ReadNullableStringArray() ?? throw Malformed("null string array where one is required");

    /// <summary>An array of non-null strings; count -1 is null.</summary>
    public string[]? ReadNullableStringArray()
    {
        var count = ReadNullableArrayCount(sizeof(short));
        if (count < 0)
        {
            return null;
        }

        var values = count == 0 ? [] : new string[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ReadString();
        }

        return values;
    }

    /// <summary>Bodies are exact: trailing bytes mean the peer and this build disagree on the layout.</summary>
    public readonly void EnsureAtEnd()
    {
        if (!IsAtEnd)
        {
            throw Malformed($"{RemainingBytes} unread bytes after the body at {_position}");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)(_span.Length - _position))
        {
            ThrowTruncated(count);
        }

        var slice = _span.Slice(_position, count);
        _position += count;
        return slice;
    }

    [DoesNotReturn]
    private readonly void ThrowTruncated(int count) =>
        throw Malformed($"needed {count} bytes at {_position}; the body has {RemainingBytes} left");

    private static ProtocolException Malformed(string detail) =>
        new(ProtocolViolation.MalformedBody, "Malformed body: " + detail + ".");
}
