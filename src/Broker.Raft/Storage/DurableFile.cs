using System.Runtime.InteropServices;

namespace Broker.Raft.Storage;

/// <summary>
/// The two durability primitives the file storage is built on: replace a file atomically, and make a
/// directory's entries (creations, renames, deletions) durable.
/// </summary>
internal static partial class DurableFile
{
    /// <summary>Writes <paramref name="bytes"/> to a temporary file, fsyncs it, renames it over <paramref name="path"/>
    /// and fsyncs the directory. After a crash the path holds either the old or the new content, whole.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> bytes, string temporarySuffix = ".tmp")
    {
        var temporary = path + temporarySuffix;
        WriteAndSync(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    public static void WriteAndSync(string path, ReadOnlySpan<byte> bytes)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>fsync on the directory itself: without it, a created, renamed or deleted file may not survive
    /// a power loss even though its own data was synced. Only Linux needs (and allows) it this way.</summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var descriptor = Open(directory, 0);
        if (descriptor < 0)
        {
            throw new IOException($"Could not open directory {directory} to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
