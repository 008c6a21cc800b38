using System.Buffers.Binary;
using System.Diagnostics;

namespace Broker.Storage;

/// <summary>
/// The sparse offset index of one segment (<c>NNN.index</c>): 8-byte entries, big-endian like Kafka's,
/// <code>
/// 0 relativeOffset int32   batch base offset minus the segment's base offset
/// 4 position       int32   byte position of that batch in the segment's .log file
/// </code>
/// One entry per <see cref="LogConfig.IndexIntervalBytes"/> of appended batches, both columns strictly increasing.
/// A lookup returns a position at or before the batch holding an offset; the caller scans forward from there.
/// Threading and crash behaviour: see <see cref="SparseIndex"/>.
/// </summary>
internal sealed class OffsetIndex : SparseIndex
{
    public const int EntryBytes = 8;

    public OffsetIndex(string path, long baseOffset)
        : base(path, baseOffset, EntryBytes)
    {
    }

    public OffsetPosition LastEntry => Entries == 0 ? new OffsetPosition(BaseOffset, 0) : EntryOf(Entries - 1);

    public void Append(long offset, int position)
    {
        var relative = offset - BaseOffset;
        Debug.Assert(relative is >= 0 and <= int.MaxValue, "offset outside the segment's int32 range");
        Debug.Assert(Entries == 0 || (offset > LastEntry.Offset && position > LastEntry.Position), "offset index must increase");
        var entry = NextEntry();
        BinaryPrimitives.WriteInt32BigEndian(entry, (int)relative);
        BinaryPrimitives.WriteInt32BigEndian(entry[4..], position);
        PublishAppend();
    }

    /// <summary>The entry with the largest offset at most <paramref name="offset"/>, or (base offset, 0).</summary>
    public OffsetPosition Lookup(long offset)
    {
        if (!EnterRead(out var epoch))
        {
            return new OffsetPosition(BaseOffset, 0);
        }

        try
        {
            var slot = LargestSlotAtMost(offset);
            return slot < 0 ? new OffsetPosition(BaseOffset, 0) : EntryOf(slot);
        }
        finally
        {
            ExitRead(epoch);
        }
    }

    /// <summary>Drops entries for offsets at or after <paramref name="offset"/>.</summary>
    public void TruncateTo(long offset) => TruncateEntries(LargestSlotAtMost(offset - 1) + 1);

    /// <summary>Kafka's sanity check: whole entries, offsets and positions strictly increasing, every position inside
    /// a log file of <paramref name="logBytes"/>.</summary>
    public bool IsSane(long logBytes)
    {
        if (!LengthIsExact)
        {
            return false;
        }

        var previous = new OffsetPosition(BaseOffset - 1, -1);
        for (var slot = 0; slot < Entries; slot++)
        {
            var entry = EntryOf(slot);
            if (entry.Offset <= previous.Offset || entry.Position <= previous.Position || entry.Position >= logBytes)
            {
                return false;
            }

            previous = entry;
        }

        return true;
    }

    protected override long KeyAt(int slot) => BaseOffset + BinaryPrimitives.ReadInt32BigEndian(EntryAt(slot));

    private OffsetPosition EntryOf(int slot)
    {
        var entry = EntryAt(slot);
        return new OffsetPosition(BaseOffset + BinaryPrimitives.ReadInt32BigEndian(entry), BinaryPrimitives.ReadInt32BigEndian(entry[4..]));
    }
}
