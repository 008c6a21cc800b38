using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace Broker.Protocol;

/// <summary>
/// Writes the native protocol's types into an <see cref="IBufferWriter{T}"/>, or only counts them
/// (<see cref="Measuring"/>). Frames are sized by running the same Write code once measuring and once for real
/// (see <see cref="Framing.FrameWriter"/>): the size prefix comes first on the wire, and reserving 4 bytes to
/// backfill later is not allowed by <see cref="IBufferWriter{T}"/>'s contract (ArrayBufferWriter and
/// PooledBufferWriter move written bytes when they grow), while a counting pass costs no copy of the records.
/// </summary>
/// <remarks>
/// Small fields share one span from the output and are committed with one Advance when the span runs out or on
/// <see cref="Flush"/>, which the owner must call when done: until then the output has not seen the bytes.
/// </remarks>
public ref struct ProtocolWriter
{
    // Asking for more than one field's worth means a run of small fields costs one GetSpan and one Advance.
    private const int SpanBytesMin = 256;

    private readonly IBufferWriter<byte>? _output;
    private Span<byte> _span;
    private int _buffered;
    private long _committed;

    public ProtocolWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>A writer that writes nothing and counts the bytes it would have written.</summary>
    public static ProtocolWriter Measuring() => default;

    public readonly bool IsMeasuring => _output is null;

    /// <summary>Bytes written (or counted) so far, including those not yet committed by <see cref="Flush"/>.</summary>
    public readonly long BytesWritten => _committed + _buffered;

    public void WriteInt8(sbyte value)
    {
        if (CountOnly(1))
        {
            return;
        }

        Take(1)[0] = (byte)value;
    }

    public void WriteInt16(short value)
    {
        if (CountOnly(sizeof(short)))
        {
            return;
        }

        BinaryPrimitives.WriteInt16BigEndian(Take(sizeof(short)), value);
    }

    public void WriteInt32(int value)
    {
        if (CountOnly(sizeof(int)))
        {
            return;
        }

        BinaryPrimitives.WriteInt32BigEndian(Take(sizeof(int)), value);
    }

    public void WriteInt64(long value)
    {
        if (CountOnly(sizeof(long)))
        {
            return;
        }

        BinaryPrimitives.WriteInt64BigEndian(Take(sizeof(long)), value);
    }

    public void WriteBoolean(bool value) => WriteInt8(value ? (sbyte)1 : (sbyte)0);

    /// <summary>An int16 length and the UTF-8 bytes; null is written as length -1.</summary>
    /// <exception cref="ArgumentException">The string encodes to more than <see cref="ProtocolLimits.StringBytesMax"/> bytes.</exception>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt16(-1);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        if (length > ProtocolLimits.StringBytesMax)
        {
            throw new ArgumentException(
                $"A protocol string holds at most {ProtocolLimits.StringBytesMax} UTF-8 bytes; this one has {length}.", nameof(value));
        }

        WriteInt16((short)length);
        if (CountOnly(length))
        {
            return;
        }

        Encoding.UTF8.GetBytes(value, Take(length));
    }

    /// <summary>An int32 element count; -1 writes a null array.</summary>
    public void WriteArrayCount(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, -1);
        WriteInt32(count);
    }

    /// <summary>An int32 length and the bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteInt32(bytes.Length);
        WriteRaw(bytes);
    }

    /// <summary>An int32 length and the record set's bytes, copied from its source straight into the output.</summary>
    public void WriteRecords(in RecordSet records)
    {
        var source = records.Source;
        if (source is null)
        {
            WriteBytes(records.Memory.Span);
            return;
        }

        var length = source.Length;
        WriteInt32(length);
        if (CountOnly(length))
        {
            return;
        }

        for (var copied = 0; copied < length;)
        {
            var chunk = TakeUpTo(length - copied);
            source.CopyTo(copied, chunk);
            copied += chunk.Length;
        }
    }

    public void WriteInt32Array(IReadOnlyList<int> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        WriteArrayCount(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            WriteInt32(values[i]);
        }
    }

    /// <summary>An array of strings; a null list writes a null array.</summary>
    public void WriteStringArray(IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            WriteArrayCount(-1);
            return;
        }

        WriteArrayCount(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            WriteString(values[i]);
        }
    }

    /// <summary>Bytes with no length prefix, copied in pieces as large as the output offers.</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        if (CountOnly(bytes.Length))
        {
            return;
        }

        while (!bytes.IsEmpty)
        {
            var chunk = TakeUpTo(bytes.Length);
            bytes[..chunk.Length].CopyTo(chunk);
            bytes = bytes[chunk.Length..];
        }
    }

    /// <summary>Commits the buffered bytes to the output with one Advance.</summary>
    public void Flush()
    {
        if (_buffered > 0)
        {
            _output!.Advance(_buffered);
            _committed += _buffered;
            _buffered = 0;
        }

        // After Advance the rest of the span belongs to the output again.
        _span = default;
    }

    /// <summary>In measuring mode, counts <paramref name="count"/> bytes and returns true: there is nothing to write.</summary>
    private bool CountOnly(int count)
    {
        if (_output is not null)
        {
            return false;
        }

        _committed += count;
        return true;
    }

    private Span<byte> Take(int count)
    {
        Debug.Assert(_output is not null, "callers count with CountOnly before taking output space");
        if (_span.Length - _buffered < count)
        {
            Refill(count);
        }

        var slice = _span.Slice(_buffered, count);
        _buffered += count;
        return slice;
    }

    /// <summary>Between 1 and <paramref name="countMax"/> bytes of output span, whatever is at hand.</summary>
    private Span<byte> TakeUpTo(int countMax)
    {
        if (_span.Length == _buffered)
        {
            Refill(1);
        }

        var count = Math.Min(countMax, _span.Length - _buffered);
        var slice = _span.Slice(_buffered, count);
        _buffered += count;
        return slice;
    }

    private void Refill(int count)
    {
        Flush();
        _span = _output!.GetSpan(Math.Max(count, SpanBytesMin));
    }
}
