using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Broker.Core.Records;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of RecordBatch v2. Uses the SSE4.2/ARMv8 instruction through
/// <see cref="BitOperations.Crc32C(uint, ulong)"/>, folding eight bytes per step.
/// </summary>
public static class Crc32C
{
    /// <summary>Checksum of <paramref name="data"/>, as stored in a batch header.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Start, data));

    /// <summary>Initial running state; fold spans in with <see cref="Append"/>, finish with <see cref="Finish"/>.</summary>
    public const uint Start = 0xFFFF_FFFFu;

    public static uint Finish(uint state) => ~state;

    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var word in words)
        {
            // CRC32C is defined on the little-endian byte stream; the instruction reads the word as such.
            state = BitOperations.Crc32C(state, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));
        }

        foreach (var b in data[(words.Length * sizeof(ulong))..])
        {
            state = BitOperations.Crc32C(state, b);
        }

        return state;
    }
}
