using System.Runtime.CompilerServices;

namespace Broker.Core.Records;

/// <summary>
/// Zig-zag variable-length integers, as in protobuf's sint32/sint64 and Kafka's record format: 7 bits a byte,
/// low bits first, high bit set on every byte but the last; zig-zag maps small negatives to small numbers
/// (-1 -> 1), so a null length (-1) costs one byte.
/// </summary>
public static class Varint
{
    /// <summary>Longest encoding of an int32 (5) and of an int64 (10).</summary>
    public const int Int32BytesMax = 5;
    public const int Int64BytesMax = 10;

    public static int SizeOf(int value) => SizeOfUnsigned(ZigZag(value));

    public static int SizeOf(long value) => SizeOfUnsigned(ZigZag(value));

    /// <summary>Writes <paramref name="value"/> at the start of <paramref name="destination"/>; returns bytes written.</summary>
    public static int Write(Span<byte> destination, int value) => WriteUnsigned(destination, ZigZag(value));

    public static int Write(Span<byte> destination, long value) => WriteUnsigned(destination, ZigZag(value));

    /// <summary>Reads a zig-zag int32. Returns false when the bytes end first or the encoding is longer than 5 bytes.</summary>
    public static bool TryReadInt32(ReadOnlySpan<byte> source, out int value, out int bytesRead)
    {
        if (!TryReadUnsigned(source, Int32BytesMax, out var raw, out bytesRead) || raw > uint.MaxValue)
        {
            value = 0;
            return false;
        }

        var u = (uint)raw;
        value = (int)(u >> 1) ^ -(int)(u & 1);
        return true;
    }

    /// <summary>Reads a zig-zag int64. Returns false when the bytes end first or the encoding is longer than 10 bytes.</summary>
    public static bool TryReadInt64(ReadOnlySpan<byte> source, out long value, out int bytesRead)
    {
        if (!TryReadUnsigned(source, Int64BytesMax, out var raw, out bytesRead))
        {
            value = 0;
            return false;
        }

        value = (long)(raw >> 1) ^ -(long)(raw & 1);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static int SizeOfUnsigned(ulong value)
    {
        // 1 + floor(bits / 7), with 0 taking one byte.
        var bits = 64 - ulong.LeadingZeroCount(value | 1);
        return (int)((bits + 6) / 7);
    }

    private static int WriteUnsigned(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    private static bool TryReadUnsigned(ReadOnlySpan<byte> source, int bytesMax, out ulong value, out int bytesRead)
    {
        value = 0;
        for (var i = 0; i < bytesMax && i < source.Length; i++)
        {
            var b = source[i];
            value |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                bytesRead = i + 1;
                return true;
            }
        }

        bytesRead = 0;
        return false;
    }
}
