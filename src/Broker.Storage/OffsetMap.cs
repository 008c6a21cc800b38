using System.Diagnostics;

namespace Broker.Storage;

/// <summary>
/// The cleaner's key -> latest offset map over a dirty section (Kafka's SkimpyOffsetMap), with a hard memory bound.
/// Keys are stored whole in one byte arena and compared exactly, so unlike Kafka's hash-only map a collision can
/// never make the cleaner drop a live record; a 32-bit hash only picks the slot.
/// <para>Memory: <see cref="EntryBytes"/> per key (an open-addressing slot pair, the table kept at most half full,
/// plus the entry) plus the key's bytes are accounted against the bound, and no key is added past it. The arrays
/// grow by doubling, so a small log uses little, and what is allocated is at most twice what is accounted (plus,
/// while one array is being copied, its old copy): at most about 2-3 times the bound at the peak.</para>
/// <para>When the map cannot promise room for a whole batch (<see cref="HasRoomFor"/>) the cleaner stops mapping
/// there and cleans only the prefix it mapped, as Kafka does.</para>
/// <para>Threading: one cleaner pass owns a map.</para>
/// </summary>
internal sealed class OffsetMap
{
    /// <summary>Two 4-byte slots (the table stays at most half full) plus offset (8), key start (4) and length (4).</summary>
    public const int EntryBytes = 2 * sizeof(int) + sizeof(long) + 2 * sizeof(int);

    private const int InitialEntries = 256;

    private readonly long _bytesMax;
    private int[] _slots = new int[InitialEntries * 2];
    private long[] _offsets = new long[InitialEntries];
    private int[] _keyStarts = new int[InitialEntries];
    private int[] _keyLengths = new int[InitialEntries];
    private byte[] _keys = new byte[InitialEntries * 16];
    private int _keyBytes;

    public OffsetMap(long bytesMax)
    {
        Debug.Assert(bytesMax >= CleanerConfig.OffsetMapBytesMin, "map bound below the configured minimum");
        _bytesMax = bytesMax;
    }

    public int Count { get; private set; }

    /// <summary>Bytes the map accounts for: what <see cref="HasRoomFor"/> compares with the bound.</summary>
    public long AccountedBytes => (long)Count * EntryBytes + _keyBytes;

    /// <summary>True when <paramref name="records"/> more keys totalling at most <paramref name="keyBytesMax"/> bytes
    /// surely fit within the bound.</summary>
    public bool HasRoomFor(int records, long keyBytesMax) =>
        AccountedBytes + (long)records * EntryBytes + keyBytesMax <= _bytesMax;

    /// <summary>Records <paramref name="offset"/> as the latest offset of <paramref name="key"/>; offsets are put in
    /// increasing order, so a later put always wins.</summary>
    public void Put(ReadOnlySpan<byte> key, long offset)
    {
        var hash = Hash(key);
        var slot = FindSlot(key, hash);
        var entry = _slots[slot] - 1;
        if (entry >= 0)
        {
            _offsets[entry] = offset;
            return;
        }

        if (Count == _offsets.Length)
        {
            GrowEntries();
            slot = FindSlot(key, hash);
        }

        if (_keyBytes + key.Length > _keys.Length)
        {
            Array.Resize(ref _keys, (int)Math.Min(Math.Max((long)_keys.Length * 2, _keyBytes + (long)key.Length), Array.MaxLength));
        }

        key.CopyTo(_keys.AsSpan(_keyBytes));
        _offsets[Count] = offset;
        _keyStarts[Count] = _keyBytes;
        _keyLengths[Count] = key.Length;
        _keyBytes += key.Length;
        _slots[slot] = ++Count;
    }

    /// <summary>The latest offset put for <paramref name="key"/>, or -1.</summary>
    public long Get(ReadOnlySpan<byte> key)
    {
        var entry = _slots[FindSlot(key, Hash(key))] - 1;
        return entry < 0 ? -1 : _offsets[entry];
    }

    private static int Hash(ReadOnlySpan<byte> key)
    {
        var hash = default(HashCode);
        hash.AddBytes(key);
        return hash.ToHashCode();
    }

    /// <summary>The slot holding <paramref name="key"/>, or the empty slot where it would go (linear probing).</summary>
    private int FindSlot(ReadOnlySpan<byte> key, int hash)
    {
        var mask = _slots.Length - 1;
        for (var slot = hash & mask; ; slot = (slot + 1) & mask)
        {
            var entry = _slots[slot] - 1;
            if (entry < 0 || key.SequenceEqual(_keys.AsSpan(_keyStarts[entry], _keyLengths[entry])))
            {
                return slot;
            }
        }
    }

    private void GrowEntries()
    {
        var entries = _offsets.Length * 2;
        Array.Resize(ref _offsets, entries);
        Array.Resize(ref _keyStarts, entries);
        Array.Resize(ref _keyLengths, entries);
        _slots = new int[entries * 2];
        var mask = _slots.Length - 1;
        for (var entry = 0; entry < Count; entry++)
        {
            var slot = Hash(_keys.AsSpan(_keyStarts[entry], _keyLengths[entry])) & mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            _slots[slot] = entry + 1;
        }
    }
}
