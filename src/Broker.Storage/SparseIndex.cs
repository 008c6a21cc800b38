using System.Diagnostics;
using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;

namespace Broker.Storage;

/// <summary>
/// The memory-mapped, fixed-size-entry file under <see cref="OffsetIndex"/> and <see cref="TimeIndex"/> (Kafka's
/// AbstractIndex). Entries are appended in key order and found by binary search.
/// <para>Size: the file of an active segment is preallocated to <see cref="LogConfig.IndexBytesMax"/> (sparse on
/// Linux, so unwritten entries cost no disk) and trimmed to the written entries when the segment rolls or closes,
/// so the number of entries of a closed index is its file length divided by the entry size.</para>
/// <para>Threading: one writer (the partition's append path) appends, truncates and resizes; any number of readers
/// search concurrently without locks. An entry is written before the count that publishes it
/// (<see cref="Volatile"/>), so a reader never sees a half-written entry. A mapping is never unmapped while the
/// index is open: growing the file retires the old view and keeps it mapped until <see cref="Dispose"/>, because
/// a reader may still hold its pointer; and Dispose waits for readers inside <see cref="EnterRead"/> to leave
/// before it unmaps, so a segment deleted under a reader never faults it. A reader searches the entries counted
/// when it began, which a truncation may since have cut: those slots still hold old or rewritten entries (the
/// segment's generation makes the caller retry such a read), but the file must still cover them, since touching a
/// mapped page wholly past the end of the file is a SIGBUS. So a shrink of the file (<see cref="Trim"/>) first
/// waits for the readers that entered before it; readers are counted per epoch, so the wait ends even under a
/// steady stream of new readers, which can only see the shrunken count.</para>
/// <para>Crash: the file is only a cache of the log. After an unclean shutdown indices of recovered segments are
/// rebuilt; any index that fails <see cref="IsSane"/> when first opened is rebuilt from the log.</para>
/// </summary>
internal abstract unsafe class SparseIndex : IDisposable
{
    private readonly Lock _mapLock = new();
    private readonly int _entryBytes;
    private readonly List<(MemoryMappedFile Map, MemoryMappedViewAccessor View)> _retired = [];
    private SafeFileHandle? _handle;
    private MemoryMappedFile? _map;
    private MemoryMappedViewAccessor? _view;
    private byte* _pointer;
    private long _mappedBytes;
    private int _entries;
    private int _maxEntries;
    private readonly int[] _readers = new int[2];
    private int _readEpoch;
    private int _closing;

    protected SparseIndex(string path, long baseOffset, int entryBytes)
    {
        FilePath = path;
        BaseOffset = baseOffset;
        _entryBytes = entryBytes;
    }

    public string FilePath { get; private set; }

    public long BaseOffset { get; }

    public bool IsOpen => _handle is not null;

    /// <summary>Published entry count; entries below it are complete.</summary>
    public int Entries => Volatile.Read(ref _entries);

    /// <summary>True when the next append would not fit. Subclasses may keep slots in reserve.</summary>
    public virtual bool IsFull => Entries >= _maxEntries;

    protected int MaxEntries => _maxEntries;

    /// <summary>Opens (creating if absent) and maps the file. With <paramref name="bytesMax"/> the file is grown
    /// to that capacity for appends; without it (0) the existing length is mapped and its entries counted.</summary>
    public void Open(int bytesMax)
    {
        lock (_mapLock)
        {
            Debug.Assert(_handle is null, "index opened twice");
            ObjectDisposedException.ThrowIf(_closing != 0, this);
            _handle = File.OpenHandle(FilePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            var length = RandomAccess.GetLength(_handle);
            _entries = (int)Math.Min(int.MaxValue, length / _entryBytes);
            LengthIsExact = length % _entryBytes == 0;
            _maxEntries = _entries;
            if (bytesMax > 0)
            {
                GrowLocked(bytesMax);
            }
            else if (length > 0)
            {
                MapLocked(length);
            }
        }
    }

    /// <summary>False when the file length was not a whole number of entries (a torn or foreign file).</summary>
    public bool LengthIsExact { get; private set; }

    /// <summary>Makes room for appends up to <paramref name="bytesMax"/> (rounded down to whole entries).</summary>
    public void Grow(int bytesMax)
    {
        lock (_mapLock)
        {
            GrowLocked(bytesMax);
        }
    }

    /// <summary>Drops every entry at or after <paramref name="entries"/>.</summary>
    public void TruncateEntries(int entries)
    {
        Debug.Assert(entries >= 0 && entries <= _entries, "truncation beyond the entries");
        Volatile.Write(ref _entries, entries);
    }

    /// <summary>Shrinks the file to the written entries. The mapping stays: entries are still read through it, and
    /// nothing past the new end is ever touched (that would fault).</summary>
    public void Trim()
    {
        lock (_mapLock)
        {
            if (_handle is null)
            {
                return;
            }

            _maxEntries = _entries;
            if (!OperatingSystem.IsWindows())
            {
                ShrinkLocked((long)_entries * _entryBytes);
            }
        }
    }

    public void Flush()
    {
        lock (_mapLock)
        {
            if (_handle is null)
            {
                return;
            }

            _view?.Flush();
            RandomAccess.FlushToDisk(_handle);
        }
    }

    /// <summary>Renames the file (for example to .deleted). Open handles and mappings stay valid on Unix.</summary>
    public void Rename(string newPath)
    {
        lock (_mapLock)
        {
            if (File.Exists(FilePath))
            {
                File.Move(FilePath, newPath, overwrite: true);
            }

            FilePath = newPath;
        }
    }

    public void Dispose() => Close(trim: true);

    /// <summary>Unmaps and closes; with <paramref name="trim"/> false the file keeps its preallocated length, as a
    /// crash would leave it (tests simulate crashes this way).</summary>
    public void Close(bool trim)
    {
        lock (_mapLock)
        {
            Interlocked.Exchange(ref _closing, 1);
            WaitForReaders(0);
            WaitForReaders(1);

            if (_handle is null)
            {
                return;
            }

            UnmapLocked();
            foreach (var (map, view) in _retired)
            {
                view.Dispose();
                map.Dispose();
            }

            _retired.Clear();
            if (trim && File.Exists(FilePath))
            {
                RandomAccess.SetLength(_handle, (long)_entries * _entryBytes);
            }

            _handle.Dispose();
            _handle = null;
        }
    }

    public void DeleteFile()
    {
        Dispose();
        File.Delete(FilePath);
    }

    /// <summary>Starts a lock-free read from a thread other than the writer's; false (read nothing) when the index is
    /// unmapped or closing. Pair with <see cref="ExitRead"/>, passing the epoch it returns. Read
    /// <see cref="Entries"/> only after entering.</summary>
    internal bool EnterRead(out int epoch)
    {
        while (true)
        {
            epoch = Volatile.Read(ref _readEpoch) & 1;
            Interlocked.Increment(ref _readers[epoch]);
            if ((Volatile.Read(ref _readEpoch) & 1) == epoch)
            {
                break;
            }

            // A shrink switched epochs between the two reads; it may already be waiting on the old one's count.
            Interlocked.Decrement(ref _readers[epoch]);
        }

        if (Volatile.Read(ref _closing) == 0 && _pointer != null)
        {
            return true;
        }

        Interlocked.Decrement(ref _readers[epoch]);
        return false;
    }

    internal void ExitRead(int epoch) => Interlocked.Decrement(ref _readers[epoch]);

    /// <summary>The slot with the largest key at most <paramref name="key"/>, or -1 when every key is larger.</summary>
    protected int LargestSlotAtMost(long key)
    {
        var lo = 0;
        var hi = Entries - 1;
        var found = -1;
        while (lo <= hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (KeyAt(mid) <= key)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    /// <summary>The search key of a slot: the offset for the offset index, the timestamp for the time index.</summary>
    protected abstract long KeyAt(int slot);

    protected ReadOnlySpan<byte> EntryAt(int slot)
    {
        // Not checked against Entries: a reader may search a count a truncation has since lowered (see the summary).
        Debug.Assert(slot >= 0 && ((long)slot + 1) * _entryBytes <= _mappedBytes, "slot outside the mapping");
        return new ReadOnlySpan<byte>(_pointer + ((long)slot * _entryBytes), _entryBytes);
    }

    /// <summary>Space for the next entry; the caller fills it and then calls <see cref="PublishAppend"/>.</summary>
    protected Span<byte> NextEntry()
    {
        Debug.Assert(_entries < _maxEntries, "append to a full index");
        return new Span<byte>(_pointer + ((long)_entries * _entryBytes), _entryBytes);
    }

    protected void PublishAppend() => Volatile.Write(ref _entries, _entries + 1);

    private void GrowLocked(int bytesMax)
    {
        Debug.Assert(_handle is not null, "grow of a closed index");
        var capacity = (long)Math.Max(bytesMax / _entryBytes, _entries) * _entryBytes;
        if (capacity > _mappedBytes)
        {
            // A reader may hold the old pointer: keep the old view mapped until Dispose.
            if (_view is not null)
            {
                _view.SafeMemoryMappedViewHandle.ReleasePointer();
                _retired.Add((_map!, _view));
                _view = null;
                _map = null;
            }

            RandomAccess.SetLength(_handle, capacity);
            MapLocked(capacity);
        }
        else
        {
            ShrinkLocked(capacity);
        }

        _maxEntries = (int)(capacity / _entryBytes);
    }

    /// <summary>Sets the file length, which may cut pages a reader that entered earlier can still touch: those
    /// readers leave first. Readers entering after the epoch switch see <see cref="Entries"/> as it is now, which
    /// the new length covers.</summary>
    private void ShrinkLocked(long bytes)
    {
        if (bytes < RandomAccess.GetLength(_handle!))
        {
            var old = Interlocked.Increment(ref _readEpoch) - 1;
            WaitForReaders(old & 1);
        }

        RandomAccess.SetLength(_handle!, bytes);
    }

    /// <summary>Spins until no reader of <paramref name="epoch"/> is inside.</summary>
    private void WaitForReaders(int epoch)
    {
        var wait = default(SpinWait);
        while (Volatile.Read(ref _readers[epoch]) != 0)
        {
            wait.SpinOnce();
        }
    }

    private void MapLocked(long bytes)
    {
        _map = MemoryMappedFile.CreateFromFile(_handle!, null, bytes, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
        _view = _map.CreateViewAccessor(0, bytes, MemoryMappedFileAccess.ReadWrite);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _pointer = pointer + _view.PointerOffset;
        _mappedBytes = bytes;
    }

    private void UnmapLocked()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _map!.Dispose();
        }

        _view = null;
        _map = null;
        _pointer = null;
        _mappedBytes = 0;
    }
}
