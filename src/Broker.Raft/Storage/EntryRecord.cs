using System.Buffers.Binary;
using Broker.Core.Records;

namespace Broker.Raft.Storage;

/// <summary>
/// One entry as stored in a segment file. Format (little-endian):
/// int32 body length | uint32 CRC32C of the body | body: int64 index | int64 term | uint8 type | data.
/// The checksum lets recovery find a torn tail: the first record that is short or fails its checksum ends the log.
/// </summary>
internal static class EntryRecord
{
    public const int HeaderBytes = 8;
    private const int BodyFixedBytes = 17;

    public static int SizeOf(Entry entry) => HeaderBytes + BodyFixedBytes + entry.Data.Length;

    public static void Write(Entry entry, Span<byte> destination)
    {
        var body = destination.Slice(HeaderBytes, BodyFixedBytes + entry.Data.Length);
        BinaryPrimitives.WriteInt64LittleEndian(body, entry.Index);
        BinaryPrimitives.WriteInt64LittleEndian(body[8..], entry.Term);
        body[16] = (byte)entry.Type;
        entry.Data.Span.CopyTo(body[BodyFixedBytes..]);
        BinaryPrimitives.WriteInt32LittleEndian(destination, body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Crc32C.Compute(body));
    }

    /// <summary>Reads the record at the start of <paramref name="source"/>; false if it is incomplete or corrupt.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out Entry entry, out int consumed)
    {
        entry = default;
        consumed = 0;
        if (source.Length < HeaderBytes)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(source);
        if (length < BodyFixedBytes || length > BodyFixedBytes + RaftLimits.EntryBytesMax || source.Length < HeaderBytes + length)
        {
            return false;
        }

        var body = source.Slice(HeaderBytes, length);
        if (BinaryPrimitives.ReadUInt32LittleEndian(source[4..]) != Crc32C.Compute(body) || body[16] > (byte)EntryType.Config)
        {
            return false;
        }

        entry = new Entry(
            BinaryPrimitives.ReadInt64LittleEndian(body),
            BinaryPrimitives.ReadInt64LittleEndian(body[8..]),
            (EntryType)body[16],
            body[BodyFixedBytes..].ToArray());
        consumed = HeaderBytes + length;
        return true;
    }
}
