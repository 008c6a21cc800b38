using System.Buffers.Binary;
using System.Diagnostics;

namespace Broker.Storage;

/// <summary>
/// The sparse time index of one segment (<c>NNN.timeindex</c>): 12-byte entries, big-endian like Kafka's,
/// <code>
/// 0 timestampMs    int64   the largest batch max-timestamp seen so far in the segment
/// 8 relativeOffset int32   base offset of the batch that first reached it, minus the segment's base offset
/// </code>
/// An entry is added next to each offset index entry when the largest timestamp has grown, so timestamps strictly
/// increase. When the segment rolls or closes one last entry records its largest timestamp, which makes the last
/// entry the segment's largest timestamp (what time retention compares). One slot is always kept free for that
/// closing entry. Threading and crash behaviour: see <see cref="SparseIndex"/>.
/// </summary>
internal sealed class TimeIndex : SparseIndex
{
    public const int EntryBytes = 12;

    /// <summary>Kafka's NO_TIMESTAMP: a segment without timestamps.</summary>
    public const long NoTimestamp = -1;

    public TimeIndex(string path, long baseOffset)
        : base(path, baseOffset, EntryBytes)
    {
    }

    /// <summary>Full one slot early: the last slot is reserved for the entry written on roll.</summary>
    public override bool IsFull => Entries >= MaxEntries - 1;

    public TimestampOffset LastEntry
    {
        get
        {
            if (!EnterRead(out var epoch))
            {
                return new TimestampOffset(NoTimestamp, BaseOffset);
            }

            try
            {
                var entries = Entries;
                return entries == 0 ? new TimestampOffset(NoTimestamp, BaseOffset) : EntryOf(entries - 1);
            }
            finally
            {
                ExitRead(epoch);
            }
        }
    }

    /// <summary>Appends (timestamp, offset) when the timestamp is larger than the last entry's. With
    /// <paramref name="closing"/> the reserved last slot may be used.</summary>
    public void MaybeAppend(long timestampMs, long offset, bool closing = false)
    {
        var last = LastEntry;
        if (timestampMs <= last.TimestampMs || (IsFull && !closing) || Entries >= MaxEntries)
        {
            return;
        }

        Debug.Assert(offset >= last.Offset, "time index offsets must not decrease");
        var entry = NextEntry();
        BinaryPrimitives.WriteInt64BigEndian(entry, timestampMs);
        BinaryPrimitives.WriteInt32BigEndian(entry[8..], checked((int)(offset - BaseOffset)));
        PublishAppend();
    }

    /// <summary>The entry with the largest timestamp strictly below <paramref name="timestampMs"/>, or
    /// (NoTimestamp, base offset). Every batch up to that entry's offset is older than the target, so a scan for
    /// the first batch at or after the target may start there.</summary>
    public TimestampOffset LookupBefore(long timestampMs)
    {
        if (!EnterRead(out var epoch))
        {
            return new TimestampOffset(NoTimestamp, BaseOffset);
        }

        try
        {
            var slot = LargestSlotAtMost(timestampMs - 1);
            return slot < 0 ? new TimestampOffset(NoTimestamp, BaseOffset) : EntryOf(slot);
        }
        finally
        {
            ExitRead(epoch);
        }
    }

    /// <summary>Drops entries for offsets at or after <paramref name="offset"/>.</summary>
    public void TruncateTo(long offset)
    {
        var keep = Entries;
        while (keep > 0 && EntryOf(keep - 1).Offset >= offset)
        {
            keep--;
        }

        TruncateEntries(keep);
    }

    /// <summary>Whole entries, timestamps strictly and offsets weakly increasing, offsets not before the segment.</summary>
    public bool IsSane()
    {
        if (!LengthIsExact)
        {
            return false;
        }

        var previous = new TimestampOffset(long.MinValue, BaseOffset);
        for (var slot = 0; slot < Entries; slot++)
        {
            var entry = EntryOf(slot);
            if (entry.TimestampMs <= previous.TimestampMs || entry.Offset < previous.Offset)
            {
                return false;
            }

            previous = entry;
        }

        return true;
    }

    protected override long KeyAt(int slot) => BinaryPrimitives.ReadInt64BigEndian(EntryAt(slot));

    private TimestampOffset EntryOf(int slot)
    {
        var entry = EntryAt(slot);
        return new TimestampOffset(BinaryPrimitives.ReadInt64BigEndian(entry), BaseOffset + BinaryPrimitives.ReadInt32BigEndian(entry[8..]));
    }
}
