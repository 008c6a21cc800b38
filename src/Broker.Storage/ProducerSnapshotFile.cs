using System.Buffers.Binary;
using Broker.Core.Records;

namespace Broker.Storage;

/// <summary>
/// <c>NNN.snapshot</c> in a partition directory: the <see cref="ProducerStateTable"/> as it was when the log ended at
/// offset NNN (every batch below NNN applied, none at or above). Written when a segment rolls (NNN is the new
/// segment's base offset) and on a clean close (NNN is the log end offset). Big-endian:
/// <code>
/// version            int16   1
/// crc                uint32  CRC-32C of every byte after this field
/// producer_count     int32
/// producers, ascending producer_id:
///   producer_id      int64
///   producer_epoch   int16
///   append_count     int8    1..AppendsRetainedPerProducer
///   appends, oldest first:
///     first_sequence int32
///     last_sequence  int32
///     base_offset    int64
///     last_offset    int64
///     timestamp_ms   int64   the newest batch timestamp of the append
/// </code>
/// A snapshot is a cache of the log: one that is torn, damaged or of another version reads as null and is deleted,
/// and the state is rebuilt from an older snapshot or the log. So the one written at a roll is not fsynced (it costs
/// the append path nothing but a small write); the one written at a clean close is.
/// </summary>
internal static class ProducerSnapshotFile
{
    public const short Version = 1;

    private const int PreambleBytes = 2 + 4;
    private const int ProducerBytes = 8 + 2 + 1;
    private const int AppendBytes = 4 + 4 + 8 + 8 + 8;

    /// <summary>Writes <paramref name="table"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, ProducerStateTable table, bool durable)
    {
        var producers = table.Producers.OrderBy(p => p.ProducerId).ToList();
        var size = PreambleBytes + 4;
        foreach (var producer in producers)
        {
            size += ProducerBytes + (producer.AppendCount * AppendBytes);
        }

        var bytes = new byte[size];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt16BigEndian(span, Version);
        var at = PreambleBytes;
        BinaryPrimitives.WriteInt32BigEndian(span[at..], producers.Count);
        at += 4;
        foreach (var producer in producers)
        {
            BinaryPrimitives.WriteInt64BigEndian(span[at..], producer.ProducerId);
            BinaryPrimitives.WriteInt16BigEndian(span[(at + 8)..], producer.Epoch);
            span[at + 10] = (byte)producer.AppendCount;
            at += ProducerBytes;
            for (var i = 0; i < producer.AppendCount; i++)
            {
                var append = producer[i];
                BinaryPrimitives.WriteInt32BigEndian(span[at..], append.FirstSequence);
                BinaryPrimitives.WriteInt32BigEndian(span[(at + 4)..], append.LastSequence);
                BinaryPrimitives.WriteInt64BigEndian(span[(at + 8)..], append.BaseOffset);
                BinaryPrimitives.WriteInt64BigEndian(span[(at + 16)..], append.LastOffset);
                BinaryPrimitives.WriteInt64BigEndian(span[(at + 24)..], append.TimestampMs);
                at += AppendBytes;
            }
        }

        BinaryPrimitives.WriteUInt32BigEndian(span[2..], Crc32C.Compute(span[PreambleBytes..]));
        DurableFiles.WriteAtomically(path, bytes, durable);
    }

    /// <summary>The table in <paramref name="path"/>, or null when the file is missing, unreadable (an I/O error, no
    /// permission, a directory of that name), damaged or not version 1. A snapshot only saves a scan of the log, so
    /// none of these may keep the partition from opening.</summary>
    public static ProducerStateTable? Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return Parse(bytes);
    }

    /// <summary>Parses snapshot bytes; null when they are not a whole, undamaged version-1 snapshot.</summary>
    public static ProducerStateTable? Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < PreambleBytes + 4
            || BinaryPrimitives.ReadInt16BigEndian(bytes) != Version
            || BinaryPrimitives.ReadUInt32BigEndian(bytes[2..]) != Crc32C.Compute(bytes[PreambleBytes..]))
        {
            return null;
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(bytes[PreambleBytes..]);
        var at = PreambleBytes + 4;
        if (count < 0 || (long)count * (ProducerBytes + AppendBytes) > bytes.Length - at)
        {
            return null;
        }

        var table = new ProducerStateTable();
        for (var p = 0; p < count; p++)
        {
            if (bytes.Length - at < ProducerBytes)
            {
                return null;
            }

            var producerId = BinaryPrimitives.ReadInt64BigEndian(bytes[at..]);
            var state = new ProducerState(producerId, BinaryPrimitives.ReadInt16BigEndian(bytes[(at + 8)..]));
            int appends = bytes[at + 10];
            at += ProducerBytes;
            if (producerId < 0 || appends is < 1 or > IdempotenceLimits.AppendsRetainedPerProducer
                || bytes.Length - at < appends * AppendBytes || table.Get(producerId) is not null)
            {
                return null;
            }

            for (var i = 0; i < appends; i++, at += AppendBytes)
            {
                var append = new ProducerAppend(
                    BinaryPrimitives.ReadInt32BigEndian(bytes[at..]),
                    BinaryPrimitives.ReadInt32BigEndian(bytes[(at + 4)..]),
                    BinaryPrimitives.ReadInt64BigEndian(bytes[(at + 8)..]),
                    BinaryPrimitives.ReadInt64BigEndian(bytes[(at + 16)..]),
                    BinaryPrimitives.ReadInt64BigEndian(bytes[(at + 24)..]));
                if (append.FirstSequence < 0 || append.LastSequence < 0 || append.BaseOffset < 0
                    || append.LastOffset - append.BaseOffset + 1 != append.RecordCount)
                {
                    return null;
                }

                state.Add(append);
            }

            table.Restore(state);
        }

        return at == bytes.Length ? table : null;
    }
}
