using System.Runtime.InteropServices;
using System.Text;
using Broker.Core.Errors;

namespace Broker.Storage;

/// <summary>
/// The two durability primitives every small metadata file uses: write-whole-file-atomically (temp file, fsync,
/// rename over the old one, fsync the directory) and fsync of a directory, so a created, renamed or deleted name
/// survives a power cut. After a crash a reader sees either the old or the new content, never a mix.
/// </summary>
internal static partial class DurableFiles
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000; // O_DIRECTORY on Linux

    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/> (UTF-8) atomically and durably.</summary>
    public static void WriteAtomically(string path, string content) => WriteAtomically(path, Encoding.UTF8.GetBytes(content), durable: true);

    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/> atomically: a reader sees the old or
    /// the new bytes. With <paramref name="durable"/> false nothing is fsynced, so after a power cut the file may be
    /// the old one, the new one, or empty: only for files that carry their own checksum and can be rebuilt.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> content, bool durable)
    {
        var temp = path + LogFileNames.TempSuffix;
        try
        {
            using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                RandomAccess.Write(handle, content, 0);
                if (durable)
                {
                    RandomAccess.FlushToDisk(handle);
                }
            }

            File.Move(temp, path, overwrite: true);
            if (durable)
            {
                SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw StorageErrors.Wrap(e, $"writing {path}");
        }
    }

    /// <summary>fsyncs a directory so that names created, renamed or removed in it are durable. Windows has no
    /// directory fsync (NTFS journals metadata), so there it does nothing.</summary>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Open(directory, ReadOnly | (OperatingSystem.IsLinux() ? Directory : 0));
        if (fd < 0)
        {
            throw new BrokerException(ErrorCode.StorageError, $"Cannot open directory {directory} to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new BrokerException(ErrorCode.StorageError, $"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
