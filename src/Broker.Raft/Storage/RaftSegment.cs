using System.Buffers;
using System.Globalization;

namespace Broker.Raft.Storage;

/// <summary>
/// One segment file of the durable Raft log: consecutive <see cref="EntryRecord"/>s starting at
/// <see cref="BaseIndex"/>, which names the file (20 digits, so a directory listing sorts by index).
/// Only the last segment is written; earlier ones are synced when the log rolls past them.
/// </summary>
internal sealed class RaftSegment : IDisposable
{
    public const string Extension = ".log";
    private readonly FileStream _stream;
    private readonly List<long> _offsets = [];

    private RaftSegment(string path, long baseIndex, FileStream stream)
    {
        Path = path;
        BaseIndex = baseIndex;
        _stream = stream;
    }

    public string Path { get; }

    public long BaseIndex { get; }

    public long LastIndex => BaseIndex + _offsets.Count - 1;

    public long Bytes => _stream.Length;

    public static string FileName(long baseIndex) => baseIndex.ToString("D20", CultureInfo.InvariantCulture) + Extension;

    public static bool TryParseBaseIndex(string path, out long baseIndex) =>
        long.TryParse(System.IO.Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out baseIndex);

    public static RaftSegment Create(string directory, long baseIndex)
    {
        var path = System.IO.Path.Combine(directory, FileName(baseIndex));
        return new RaftSegment(path, baseIndex, new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0));
    }

    /// <summary>
    /// Opens an existing segment and reads its entries. Reading stops at the first record that is torn,
    /// corrupt or out of sequence; the file is cut there (and synced), since nothing after it can be trusted.
    /// </summary>
    public static RaftSegment Recover(string path, long baseIndex, List<Entry> into, out bool wasCut)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        var segment = new RaftSegment(path, baseIndex, stream);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        var offset = 0;
        while (EntryRecord.TryRead(bytes.AsSpan(offset), out var entry, out var consumed) && entry.Index == segment.LastIndex + 1)
        {
            segment._offsets.Add(offset);
            into.Add(entry);
            offset += consumed;
        }

        wasCut = offset < bytes.Length;
        if (wasCut)
        {
            stream.SetLength(offset);
            stream.Flush(flushToDisk: true);
        }

        stream.Seek(0, SeekOrigin.End);
        return segment;
    }

    /// <summary>Writes the entries in one system call; durable after <see cref="Sync"/>.</summary>
    public void Append(IReadOnlyList<Entry> entries, int from, int count)
    {
        var size = 0;
        for (var i = from; i < from + count; i++)
        {
            size += EntryRecord.SizeOf(entries[i]);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var offset = 0;
            var position = _stream.Length;
            for (var i = from; i < from + count; i++)
            {
                _offsets.Add(position + offset);
                EntryRecord.Write(entries[i], buffer.AsSpan(offset));
                offset += EntryRecord.SizeOf(entries[i]);
            }

            _stream.Seek(0, SeekOrigin.End);
            _stream.Write(buffer, 0, size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Cuts the entries [index, LastIndex + 1) off the file; index must lie in this segment.</summary>
    public void TruncateFrom(long index)
    {
        var keep = (int)(index - BaseIndex);
        _stream.SetLength(_offsets[keep]);
        _offsets.RemoveRange(keep, _offsets.Count - keep);
    }

    public void Sync() => _stream.Flush(flushToDisk: true);

    public void Delete()
    {
        _stream.Dispose();
        File.Delete(Path);
    }

    public void Dispose() => _stream.Dispose();
}
