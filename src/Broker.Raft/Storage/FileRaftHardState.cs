using System.Buffers.Binary;
using Broker.Core.Records;

namespace Broker.Raft.Storage;

/// <summary>
/// <see cref="IRaftHardState"/> as one small file, replaced atomically (temporary file, fsync, rename,
/// directory fsync) on every save.
/// Format (28 bytes, little-endian): int64 term | int32 vote | int64 commit | uint32 version (1) | uint32 CRC32C of the first 24 bytes.
/// After a crash: the file holds the last fully saved state. A file that fails its checksum cannot come
/// from a torn write (the rename is atomic), so it is reported as corruption, not silently reset.
/// </summary>
public sealed class FileRaftHardState : IRaftHardState
{
    private const int FileBytes = 28;
    private const uint Version = 1;
    private readonly string _path;

    public FileRaftHardState(string directory)
    {
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, "hardstate");
    }

    public HardState Load()
    {
        if (!File.Exists(_path))
        {
            return HardState.Empty;
        }

        var bytes = File.ReadAllBytes(_path);
        if (bytes.Length != FileBytes
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(20)) != Version
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(24)) != Crc32C.Compute(bytes.AsSpan(0, 24)))
        {
            throw new InvalidDataException($"Hard state file {_path} is corrupt.");
        }

        return new HardState(
            BinaryPrimitives.ReadInt64LittleEndian(bytes),
            BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)),
            BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(12)));
    }

    public void Save(HardState state)
    {
        Span<byte> bytes = stackalloc byte[FileBytes];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, state.Term);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[8..], state.Vote);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[12..], state.Commit);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[20..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[24..], Crc32C.Compute(bytes[..24]));
        DurableFile.WriteAtomically(_path, bytes);
    }
}
