using System.Globalization;
using System.Text;
using Broker.Core.Errors;

namespace Broker.Storage;

/// <summary>
/// Leader epoch -> first offset of that epoch, for one partition: what lets a follower of a new leader truncate
/// exactly its divergent suffix (Kafka's KIP-101). Persisted as <c>leader-epoch-checkpoint</c> in the partition
/// directory, in Kafka's text format: a version line (0), a count line, then "epoch startOffset" lines in
/// increasing order of both. Every change rewrites the file atomically, so after a crash it holds the entries of
/// the last completed change. Changes are rare (once per leader election), so the rewrite cost does not matter.
/// Threading: mutated under the partition's writer lock; <see cref="Entries"/> and lookups are safe from any thread
/// (they read an immutable snapshot).
/// </summary>
public sealed class LeaderEpochCache
{
    public const int CurrentVersion = 0;

    /// <summary>Kafka's UNDEFINED_EPOCH / UNDEFINED_EPOCH_OFFSET.</summary>
    public const int UndefinedEpoch = -1;

    public const long UndefinedOffset = -1;

    private readonly string _path;
    private volatile EpochEntry[] _entries;

    private LeaderEpochCache(string path, EpochEntry[] entries)
    {
        _path = path;
        _entries = entries;
    }

    public IReadOnlyList<EpochEntry> Entries => _entries;

    public int LatestEpoch => _entries.Length == 0 ? UndefinedEpoch : _entries[^1].Epoch;

    /// <summary>Loads the cache of a partition directory (empty when the file is absent).</summary>
    public static LeaderEpochCache Load(string partitionDirectory)
    {
        var path = Path.Combine(partitionDirectory, LogFileNames.LeaderEpochCheckpoint);
        return new LeaderEpochCache(path, File.Exists(path) ? Parse(path) : []);
    }

    /// <summary>Records that <paramref name="epoch"/> starts at <paramref name="startOffset"/>. Ignored unless the
    /// epoch is newer than the latest; an entry with a start offset at or after this one is dropped (it can only
    /// be left over from a truncated, never-committed suffix).</summary>
    public void Assign(int epoch, long startOffset)
    {
        if (epoch < 0 || epoch <= LatestEpoch)
        {
            return;
        }

        var kept = _entries.Where(e => e.StartOffset < startOffset).Append(new EpochEntry(epoch, startOffset)).ToArray();
        Replace(kept);
    }

    /// <summary>Removes entries starting at or after <paramref name="endOffset"/>: the log was truncated there.</summary>
    public void TruncateFromEnd(long endOffset)
    {
        if (_entries.Length > 0 && _entries[^1].StartOffset >= endOffset)
        {
            Replace(_entries.Where(e => e.StartOffset < endOffset).ToArray());
        }
    }

    /// <summary>Forgets every epoch: the log was replaced by an empty one.</summary>
    public void Clear()
    {
        if (_entries.Length > 0)
        {
            Replace([]);
        }
    }

    /// <summary>The log now starts at <paramref name="startOffset"/>: entries wholly before it are dropped and the
    /// epoch that covers it is moved to start there.</summary>
    public void TruncateFromStart(long startOffset)
    {
        var entries = _entries;
        var covering = Array.FindLastIndex(entries, e => e.StartOffset <= startOffset);
        if (covering <= 0 && (covering < 0 || entries[0].StartOffset == startOffset))
        {
            return;
        }

        var kept = entries[covering..];
        kept[0] = kept[0] with { StartOffset = startOffset };
        Replace(kept);
    }

    /// <summary>Kafka's OffsetsForLeaderEpoch answer: the largest epoch at most <paramref name="epoch"/> and the
    /// offset where it ended (the start of the next epoch, or <paramref name="logEndOffset"/> for the latest).
    /// (UndefinedEpoch, UndefinedOffset) when the epoch predates every entry.</summary>
    public (int Epoch, long EndOffset) EndOffsetFor(int epoch, long logEndOffset)
    {
        var entries = _entries;
        var index = Array.FindLastIndex(entries, e => e.Epoch <= epoch);
        if (index < 0)
        {
            return (UndefinedEpoch, UndefinedOffset);
        }

        var end = index == entries.Length - 1 ? logEndOffset : entries[index + 1].StartOffset;
        return (entries[index].Epoch, end);
    }

    private void Replace(EpochEntry[] entries)
    {
        var text = new StringBuilder();
        text.Append(CurrentVersion.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(entries.Length.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var entry in entries)
        {
            text.Append(entry.Epoch.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(entry.StartOffset.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        DurableFiles.WriteAtomically(_path, text.ToString());
        _entries = entries;
    }

    private static EpochEntry[] Parse(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (StorageErrors.IsIoFailure(e))
        {
            throw StorageErrors.Wrap(e, $"reading {path}");
        }

        if (lines.Length < 2 || lines[0] != "0" || !int.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count != lines.Length - 2)
        {
            throw new BrokerException(ErrorCode.StorageError, $"Malformed leader epoch checkpoint {path}.");
        }

        var entries = new EpochEntry[count];
        for (var i = 0; i < count; i++)
        {
            var parts = lines[i + 2].Split(' ');
            if (parts.Length != 2
                || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
                || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                || (i > 0 && (epoch <= entries[i - 1].Epoch || start < entries[i - 1].StartOffset)))
            {
                throw new BrokerException(ErrorCode.StorageError, $"Malformed leader epoch checkpoint {path}: line {i + 3}.");
            }

            entries[i] = new EpochEntry(epoch, start);
        }

        return entries;
    }
}
