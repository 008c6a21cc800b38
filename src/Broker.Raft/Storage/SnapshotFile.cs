using System.Buffers.Binary;
using Broker.Core.Records;

namespace Broker.Raft.Storage;

/// <summary>
/// A snapshot as one file. Format (little-endian): int64 index | int64 term | int32 conf length | conf
/// (<see cref="ConfState.Encode"/>) | int32 data length | data | uint32 CRC32C of everything before it.
/// </summary>
internal static class SnapshotFile
{
    public static byte[] Encode(Snapshot snapshot)
    {
        var conf = snapshot.ConfState.Encode();
        var bytes = new byte[8 + 8 + 4 + conf.Length + 4 + snapshot.Data.Length + 4];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt64LittleEndian(span, snapshot.Index);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], snapshot.Term);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], conf.Length);
        conf.CopyTo(span[20..]);
        var offset = 20 + conf.Length;
        BinaryPrimitives.WriteInt32LittleEndian(span[offset..], snapshot.Data.Length);
        snapshot.Data.Span.CopyTo(span[(offset + 4)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[^4..], Crc32C.Compute(span[..^4]));
        return bytes;
    }

    /// <summary>The snapshot in <paramref name="path"/>, or null if the file is absent, incomplete or corrupt.</summary>
    public static Snapshot? TryRead(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var bytes = File.ReadAllBytes(path).AsSpan();
        if (bytes.Length < 28 || BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]) != Crc32C.Compute(bytes[..^4]))
        {
            return null;
        }

        var confLength = BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]);
        var conf = ConfState.Decode(bytes.Slice(20, confLength));
        var dataOffset = 20 + confLength;
        var dataLength = BinaryPrimitives.ReadInt32LittleEndian(bytes[dataOffset..]);
        return new Snapshot(
            BinaryPrimitives.ReadInt64LittleEndian(bytes),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]),
            conf,
            bytes.Slice(dataOffset + 4, dataLength).ToArray());
    }
}
