using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Broker.Core.Threading;

namespace Broker.Storage;

/// <summary>
/// Asks Linux to start writing byte ranges of segment files to disk without anyone waiting for it
/// (<c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c>, see <see cref="LogConfig.WritebackBytes"/>), and to drop ranges
/// written back long ago from the page cache (<c>posix_fadvise(POSIX_FADV_DONTNEED)</c>, see
/// <see cref="LogConfig.PageCacheWindowBytes"/>). Both calls can sleep in the kernel (a full block queue, a journal
/// commit), so appenders only queue the range and one background thread makes the calls: an append never waits for
/// the disk because of them. Best effort: neither is a durability step (only fsync moves a log's recovery point, and
/// reports I/O errors), elsewhere than on Linux nothing happens, and after a call that cannot be made at all (no such
/// libc entry) it turns itself off.
/// </summary>
/// <remarks>The thread parks on a <see cref="WakeSignal"/>: a <c>BlockingCollection</c> spun through dozens of
/// <c>sched_yield</c> calls before each sleep, about 3,000 a second at 50 MB/s of appends, on a machine whose two cores
/// the network threads need.</remarks>
internal static partial class EarlyWriteback
{
    private const uint SyncFileRangeWrite = 2;
    private const int FadviseDontNeed = 4;

    private static readonly ConcurrentQueue<Range> Pending = new();
    private static readonly WakeSignal Queued = new();
    private static int _workerStarted;
    private static volatile bool _unavailable;

    /// <summary>Queues <paramref name="count"/> bytes of <paramref name="file"/> from <paramref name="offset"/> for
    /// writeback; the file stays open for the call even if its segment is deleted meanwhile.</summary>
    public static void Start(SafeHandle file, long offset, long count) => Queue(file, offset, count, drop: false);

    /// <summary>Queues a range to be dropped from the page cache. Only clean pages go: a page still dirty or under
    /// writeback stays, so nothing is lost, and a later read of a dropped page reads it from disk again.</summary>
    public static void Drop(SafeHandle file, long offset, long count) => Queue(file, offset, count, drop: true);

    private static void Queue(SafeHandle file, long offset, long count, bool drop)
    {
        if (!OperatingSystem.IsLinux() || _unavailable || count <= 0)
        {
            return;
        }

        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return; // deleted and closed: nothing left to write or drop
        }

        if (Interlocked.Exchange(ref _workerStarted, 1) == 0)
        {
            new Thread(Run) { IsBackground = true, Name = "Log writeback" }.Start();
        }

        Pending.Enqueue(new Range(file, offset, count, drop));
        Queued.Set();
    }

    private static void Run()
    {
        while (true)
        {
            Queued.Wait(Timeout.Infinite);
            Queued.Reset(); // before looking: a range queued from here on sets it again
            while (Pending.TryDequeue(out var range))
            {
                Write(range);
            }
        }
    }

    private static void Write(Range range)
    {
        try
        {
            if (!_unavailable)
            {
                // A failure here (EIO, a file system without the call) is left to the next fsync to report.
                var fd = (int)range.File.DangerousGetHandle();
                _ = range.Drop
                    ? PosixFadvise(fd, range.Offset, range.Count, FadviseDontNeed)
                    : SyncFileRange(fd, range.Offset, range.Count, SyncFileRangeWrite);
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException or MarshalDirectiveException)
        {
            _unavailable = true;
        }
        finally
        {
            range.File.DangerousRelease();
        }
    }

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int PosixFadvise(int fd, long offset, long count, int advice);

    [LibraryImport("libc", EntryPoint = "sync_file_range")]
    private static partial int SyncFileRange(int fd, long offset, long count, uint flags);

    private readonly record struct Range(SafeHandle File, long Offset, long Count, bool Drop);
}
