using System.Buffers.Binary;
using System.Diagnostics;
using Broker.Core.Records;
using Microsoft.Win32.SafeHandles;
using static Broker.Core.Records.RecordBatchLayout;

namespace Broker.Storage;

/// <summary>
/// One segment of a partition log: <c>NNN.log</c> (record batches back to back, byte-for-byte as produced, with
/// offsets assigned) plus its <see cref="OffsetIndex"/> (<c>NNN.index</c>) and <see cref="TimeIndex"/>
/// (<c>NNN.timeindex</c>), NNN being <see cref="BaseOffset"/> padded to 20 digits.
/// <para>Threading: one writer (the owning <see cref="PartitionLog"/>, under its writer lock) appends, truncates,
/// rolls and deletes. Readers run concurrently without locks, bounded by <see cref="Size"/>, which the writer
/// publishes only after the bytes below it are written. A truncation bumps <see cref="Generation"/> before it cuts
/// the file, so a reader that sees the same generation before and after its read knows its bytes were never
/// replaced (a seqlock). Indices are opened lazily, on first use, under a one-time lock.</para>
/// <para>Crash: bytes reach the OS page cache before an append returns and the disk on <see cref="Flush"/>. After
/// an unclean shutdown <see cref="SegmentRecovery"/> revalidates the segment and rebuilds its indices.</para>
/// </summary>
internal sealed partial class LogSegment : IDisposable
{
    private const long NotLoaded = long.MinValue;

    private static readonly int PageBytes = Environment.SystemPageSize;

    private readonly Lock _indexLoadLock = new();
    private readonly OffsetIndex _offsetIndex;
    private readonly TimeIndex _timeIndex;
    private readonly string _directory;
    private volatile bool _indexesLoaded;
    private int _size;
    private int _generation;
    private int _bytesSinceLastIndexEntry;
    private int _writebackFrom;
    // Where the pages this segment may still have in the page cache begin: below it they were dropped. Kept by the
    // writer, like _writebackFrom.
    private int _cachedFrom;
    private long _maxTimestampMs = TimeIndex.NoTimestamp;
    private long _offsetOfMaxTimestamp;
    private long _firstBatchTimestampMs = NotLoaded;
    private long _createdMs;
    private LogConfig _config;

    private LogSegment(string directory, long baseOffset, SafeFileHandle log, int size, LogConfig config, long createdMs, string suffix = "")
    {
        _config = config;
        _directory = directory;
        BaseOffset = baseOffset;
        Handle = log;
        _size = size;
        _writebackFrom = WholePages(size);
        _createdMs = createdMs;
        LogPath = LogFileNames.LogFile(directory, baseOffset) + suffix;
        _offsetIndex = new OffsetIndex(LogFileNames.IndexFile(directory, baseOffset) + suffix, baseOffset);
        _timeIndex = new TimeIndex(LogFileNames.TimeIndexFile(directory, baseOffset) + suffix, baseOffset);
        NextOffset = baseOffset;
    }

    public long BaseOffset { get; }

    /// <summary>The offset after the last batch; kept by the writer, not for readers (they use the log's LEO).</summary>
    public long NextOffset { get; set; }

    /// <summary>Published bytes: every byte below is a complete batch.</summary>
    public int Size => Volatile.Read(ref _size);

    public int Generation => Volatile.Read(ref _generation);

    public SafeFileHandle Handle { get; }

    public string LogPath { get; private set; }

    public bool IsDeleted { get; private set; }

    public bool IndexesFull
    {
        get
        {
            EnsureIndexes();
            return _offsetIndex.IsFull || _timeIndex.IsFull;
        }
    }

    /// <summary>The largest batch timestamp in the segment; the file's modification time when it has none.</summary>
    public long LargestTimestampMs
    {
        get
        {
            EnsureIndexes();
            var largest = Math.Max(_maxTimestampMs, _timeIndex.LastEntry.TimestampMs);
            return largest >= 0 ? largest : new DateTimeOffset(File.GetLastWriteTimeUtc(LogPath)).ToUnixTimeMilliseconds();
        }
    }

    /// <summary>Index settings of later appends and rebuilds; set by the owning log when the topic config changes.</summary>
    public LogConfig Config
    {
        get => _config;
        set => _config = value;
    }

    internal OffsetIndex OffsetIndex => _offsetIndex;

    /// <summary>Where the next early writeback starts: a page boundary at or below <see cref="Size"/>.</summary>
    internal int WritebackMark => _writebackFrom;

    internal TimeIndex TimeIndex => _timeIndex;

    /// <summary>Writes whole, already validated batches at the end of the log (one positional write), then indexes
    /// them and publishes the new size. A failed write leaves <see cref="Size"/> unchanged and cuts the file back.</summary>
    public void Append(ReadOnlySpan<byte> batches)
    {
        var position = _size;
        try
        {
            RandomAccess.Write(Handle, batches, position);
        }
        catch (IOException)
        {
            TryCutTo(position);
            throw;
        }

        var offset = 0;
        while (offset < batches.Length)
        {
            var batch = batches[offset..];
            var header = RecordBatchHeader.Read(batch);
            IndexBatch(header, position + offset);
            offset += header.TotalBytes;
        }

        Debug.Assert(offset == batches.Length, "batches must be whole");
        Volatile.Write(ref _size, position + batches.Length);
        StartWritebackIfDue(position + batches.Length);
    }

    /// <summary>Hands every <see cref="LogConfig.WritebackBytes"/> of appends to the disk as they arrive (see there).
    /// Only whole pages: the next append writes into the last, partly filled page, which must not be under writeback
    /// then (a device that needs stable pages would make that append wait for the disk).</summary>
    private void StartWritebackIfDue(int end)
    {
        var wholePages = WholePages(end);
        var pending = wholePages - _writebackFrom;
        var step = _config.WritebackBytes;
        if (step > 0 && pending >= step)
        {
            EarlyWriteback.Start(Handle, _writebackFrom, pending);
            _writebackFrom = wholePages;
        }
    }

    /// <summary>Where this segment's possibly cached pages begin: what lies below was dropped from the page cache
    /// (<see cref="DropCacheBelow"/>).</summary>
    internal int CachedFrom => _cachedFrom;

    /// <summary>Drops the pages below <paramref name="position"/> that were not dropped yet from the page cache (see
    /// <see cref="LogConfig.PageCacheWindowBytes"/>): at once when <paramref name="position"/> is the segment's end,
    /// otherwise only whole pages and in steps of at least <see cref="LogConfig.PageCacheDropStepBytes"/>. Writer only.</summary>
    internal void DropCacheBelow(int position)
    {
        var size = Size;
        var until = position >= size ? size : WholePages(position);
        if (until <= _cachedFrom || (until < size && until - _cachedFrom < LogConfig.PageCacheDropStepBytes))
        {
            return;
        }

        EarlyWriteback.Drop(Handle, _cachedFrom, until - _cachedFrom);
        _cachedFrom = until;
    }

    private static int WholePages(int position) => position & ~(PageBytes - 1);

    /// <summary>Records one batch at <paramref name="position"/> in the indices (Kafka's rule: an entry once more
    /// than indexIntervalBytes were appended since the last one).</summary>
    internal void IndexBatch(in RecordBatchHeader batch, int position)
    {
        if (_firstBatchTimestampMs == TimeIndex.NoTimestamp && position == 0)
        {
            _firstBatchTimestampMs = batch.MaxTimestamp;
        }

        if (batch.MaxTimestamp > _maxTimestampMs)
        {
            _maxTimestampMs = batch.MaxTimestamp;
            _offsetOfMaxTimestamp = batch.BaseOffset;
        }

        if (_bytesSinceLastIndexEntry > _config.IndexIntervalBytes && !_offsetIndex.IsFull)
        {
            _offsetIndex.Append(batch.BaseOffset, position);
            _timeIndex.MaybeAppend(_maxTimestampMs, _offsetOfMaxTimestamp);
            _bytesSinceLastIndexEntry = 0;
        }

        _bytesSinceLastIndexEntry += batch.TotalBytes;
        NextOffset = batch.NextOffset;
    }

    /// <summary>True when an append of <paramref name="appendBytes"/> ending at <paramref name="lastOffset"/> with
    /// largest timestamp <paramref name="maxTimestampMs"/> must go to a new segment.</summary>
    public bool ShouldRoll(int appendBytes, long lastOffset, long maxTimestampMs, long nowMs)
    {
        var config = _config;
        var size = _size;
        if (size == 0)
        {
            return false;
        }

        return (long)size + appendBytes > config.SegmentBytes
            || TimeWaitedForRollMs(maxTimestampMs, nowMs) > config.SegmentMs
            || IndexesFull
            || lastOffset - BaseOffset > int.MaxValue;
    }

    /// <summary>Kafka's rule: the age of a segment is measured in record time (newest minus first batch timestamp)
    /// when batches carry timestamps, so replaying old data does not roll on every append; else in wall time.</summary>
    private long TimeWaitedForRollMs(long maxTimestampMs, long nowMs)
    {
        if (_firstBatchTimestampMs == NotLoaded)
        {
            _firstBatchTimestampMs = TryReadHeader(0, _size, out var first) ? first.MaxTimestamp : TimeIndex.NoTimestamp;
        }

        return _firstBatchTimestampMs >= 0 && maxTimestampMs >= 0 ? maxTimestampMs - _firstBatchTimestampMs : nowMs - _createdMs;
    }

    /// <summary>The segment stops taking appends: record its largest timestamp and trim the index files.</summary>
    public void OnBecomeInactive()
    {
        EnsureIndexes();
        _timeIndex.MaybeAppend(_maxTimestampMs, _offsetOfMaxTimestamp, closing: true);
        _offsetIndex.Trim();
        _timeIndex.Trim();
    }

    /// <summary>The segment takes appends again (after a truncation made it the last): room in its indices.</summary>
    public void MakeActive(long nowMs)
    {
        EnsureIndexes();
        _offsetIndex.Grow(_config.IndexBytesMax);
        _timeIndex.Grow(_config.IndexBytesMax);
        _createdMs = nowMs;
    }

    /// <summary>Removes every batch that holds an offset at or after <paramref name="offset"/>; returns the new
    /// next offset: the base offset of the first removed batch, or <paramref name="offset"/> when that is lower (it
    /// lies in a gap left by compaction), or the old next offset when nothing goes and it is lower.</summary>
    public long TruncateTo(long offset)
    {
        EnsureIndexes();
        var (position, header) = FindBatch(offset, _size);
        if (position < 0)
        {
            NextOffset = Math.Min(NextOffset, offset);
            return NextOffset;
        }

        Interlocked.Increment(ref _generation);
        Volatile.Write(ref _size, position);
        _writebackFrom = Math.Min(_writebackFrom, WholePages(position));
        _cachedFrom = Math.Min(_cachedFrom, WholePages(position));
        RandomAccess.SetLength(Handle, position);
        NextOffset = Math.Min(offset, header.BaseOffset);
        _offsetIndex.TruncateTo(header.BaseOffset);
        _timeIndex.TruncateTo(header.BaseOffset);
        _bytesSinceLastIndexEntry = 0;
        RecomputeLargestTimestamp();
        if (position == 0)
        {
            _firstBatchTimestampMs = TimeIndex.NoTimestamp;
        }

        return NextOffset;
    }

    /// <summary>The first batch whose last offset is at least <paramref name="offset"/>, found through the offset
    /// index and a forward scan of headers below <paramref name="sizeBound"/>; position -1 when there is none.</summary>
    public (int Position, RecordBatchHeader Header) FindBatch(long offset, int sizeBound)
    {
        EnsureIndexes();
        var position = offset <= BaseOffset ? 0 : _offsetIndex.Lookup(offset).Position;
        while (TryReadHeader(position, sizeBound, out var header))
        {
            if (header.LastOffset >= offset)
            {
                return (position, header);
            }

            position += header.TotalBytes;
        }

        return (-1, default);
    }

    /// <summary>Reads the header of the batch at <paramref name="position"/>; false at the end, on a short read, on
    /// a length that runs past <paramref name="sizeBound"/>, or when the segment was closed under the reader.</summary>
    public bool TryReadHeader(int position, int sizeBound, out RecordBatchHeader header)
    {
        header = default;
        if ((long)position + HeaderBytes > sizeBound)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[HeaderBytes];
        try
        {
            if (RandomAccess.Read(Handle, buffer, position) < HeaderBytes)
            {
                return false;
            }
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        header = RecordBatchHeader.Read(buffer);
        return header.TotalBytes >= HeaderBytes && (long)position + header.TotalBytes <= sizeBound;
    }

    public void Flush()
    {
        try
        {
            RandomAccess.FlushToDisk(Handle);
            _offsetIndex.Flush();
            _timeIndex.Flush();
        }
        catch (ObjectDisposedException)
        {
            // Deleted (and closed) after the flusher took its snapshot: nothing left to make durable.
        }
    }

    /// <summary>Closes the files, cutting the log to its published size so a failed write's tail never survives a
    /// clean shutdown, and trimming the indices.</summary>
    public void Dispose()
    {
        if (!Handle.IsClosed && !IsDeleted)
        {
            TryCutTo(_size);
        }

        _offsetIndex.Dispose();
        _timeIndex.Dispose();
        Handle.Dispose();
    }

    /// <summary>Closes the files as a process crash would: no cut, no trim, no closing time index entry.</summary>
    internal void Abandon()
    {
        _offsetIndex.Close(trim: false);
        _timeIndex.Close(trim: false);
        Handle.Dispose();
    }

    /// <summary>Clears both indices before <see cref="SegmentRecovery"/> re-adds every batch.</summary>
    internal void ResetForRecovery()
    {
        lock (_indexLoadLock)
        {
            OpenIndexesLocked(_config.IndexBytesMax);
            ResetIndexesLocked();
            _indexesLoaded = true;
        }
    }

    /// <summary>Publishes the end found by recovery, cutting off whatever followed it.</summary>
    internal void SetRecoveredEnd(int size)
    {
        Interlocked.Increment(ref _generation);
        Volatile.Write(ref _size, size);
        _writebackFrom = Math.Min(_writebackFrom, WholePages(size));
        _cachedFrom = Math.Min(_cachedFrom, WholePages(size));
        RandomAccess.SetLength(Handle, size);
    }

    private void EnsureIndexes()
    {
        if (_indexesLoaded)
        {
            return;
        }

        lock (_indexLoadLock)
        {
            if (_indexesLoaded || IsDeleted || Handle.IsClosed)
            {
                // A deleted or closed segment is never reopened: its lookups fall back to scans that find nothing.
                return;
            }

            OpenIndexesLocked(0);
            if (!_offsetIndex.IsSane(_size) || !_timeIndex.IsSane())
            {
                // Indices are caches of the log: a damaged one is rebuilt, never trusted.
                ResetIndexesLocked();
                SegmentRecovery.RebuildIndexes(this);
            }

            _indexesLoaded = true;
        }
    }

    private void OpenIndexesLocked(int bytesMax)
    {
        if (!_offsetIndex.IsOpen)
        {
            _offsetIndex.Open(bytesMax);
        }

        if (!_timeIndex.IsOpen)
        {
            _timeIndex.Open(bytesMax);
        }
    }

    private void ResetIndexesLocked()
    {
        _offsetIndex.TruncateEntries(0);
        _timeIndex.TruncateEntries(0);
        _offsetIndex.Grow(_config.IndexBytesMax);
        _timeIndex.Grow(_config.IndexBytesMax);
        _bytesSinceLastIndexEntry = 0;
        _firstBatchTimestampMs = TimeIndex.NoTimestamp;
        _maxTimestampMs = TimeIndex.NoTimestamp;
        _offsetOfMaxTimestamp = BaseOffset;
    }

    /// <summary>After a truncation the largest timestamp is the last time entry's or a later batch's: rescan the
    /// (at most about one index interval of) batches after the last time index entry.</summary>
    private void RecomputeLargestTimestamp()
    {
        var last = _timeIndex.LastEntry;
        _maxTimestampMs = last.TimestampMs;
        _offsetOfMaxTimestamp = last.Offset;
        var position = _offsetIndex.Lookup(last.Offset).Position;
        while (TryReadHeader(position, _size, out var header))
        {
            if (header.MaxTimestamp > _maxTimestampMs)
            {
                _maxTimestampMs = header.MaxTimestamp;
                _offsetOfMaxTimestamp = header.BaseOffset;
            }

            position += header.TotalBytes;
        }
    }

    private void TryCutTo(int size)
    {
        try
        {
            RandomAccess.SetLength(Handle, size);
        }
        catch (IOException)
        {
            // The published size still bounds every reader; recovery cuts the tail after a crash.
        }
    }
}
