using System.Buffers.Binary;

namespace Broker.Client;

/// <summary>
/// Kafka's key partitioner, bit for bit: murmur2 (seed 0x9747b28c) of the key bytes, made non-negative by clearing
/// the sign bit, modulo the partition count. Keys land on the same partitions as with Kafka's Java client, so data
/// moved between the two stays co-partitioned.
/// </summary>
public static class Partitioner
{
    private const uint Seed = 0x9747b28c;
    private const uint Mix = 0x5bd1e995;
    private const int Shift = 24;

    /// <summary>The partition for <paramref name="key"/> among <paramref name="partitionCount"/> partitions.</summary>
    public static int PartitionForKey(ReadOnlySpan<byte> key, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitionCount);
        return ToPositive(Murmur2(key)) % partitionCount;
    }

    /// <summary>Kafka's Utils.toPositive: the sign bit cleared (not Math.Abs, which fails on int.MinValue).</summary>
    public static int ToPositive(int number) => number & 0x7fffffff;

    /// <summary>Kafka's Utils.murmur2: MurmurHash2, 32-bit, four bytes at a time little-endian.</summary>
    public static int Murmur2(ReadOnlySpan<byte> data)
    {
        var length = data.Length;
        var hash = Seed ^ (uint)length;
        var whole = length & ~3;
        for (var i = 0; i < whole; i += 4)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(data[i..]);
            k *= Mix;
            k ^= k >> Shift;
            k *= Mix;
            hash *= Mix;
            hash ^= k;
        }

        var tail = length & 3;
        if (tail == 3)
        {
            hash ^= (uint)data[whole + 2] << 16;
        }

        if (tail >= 2)
        {
            hash ^= (uint)data[whole + 1] << 8;
        }

        if (tail >= 1)
        {
            hash ^= data[whole];
            hash *= Mix;
        }

        hash ^= hash >> 13;
        hash *= Mix;
        hash ^= hash >> 15;
        return (int)hash;
    }
}
