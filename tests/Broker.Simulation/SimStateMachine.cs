using System.Buffers.Binary;
using Broker.Raft;

namespace Broker.Simulation;

/// <summary>
/// The replicated application: a running 64-bit FNV-1a hash over every applied entry. Two nodes that
/// applied the same entries in the same order hold the same hash; any divergence shows at once.
/// A snapshot is its 16 bytes: applied index and hash.
/// </summary>
internal sealed class SimStateMachine
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    public long AppliedIndex { get; private set; }

    public ulong Hash { get; private set; } = FnvOffset;

    public void Apply(Entry entry)
    {
        if (entry.Index != AppliedIndex + 1)
        {
            throw new InvariantViolation($"applied index {entry.Index} after {AppliedIndex}: entries must apply in order, without gaps");
        }

        var hash = Mix(Hash, (ulong)entry.Term);
        hash = Mix(hash, (ulong)entry.Type);
        foreach (var b in entry.Data.Span)
        {
            hash = (hash ^ b) * FnvPrime;
        }

        Hash = hash;
        AppliedIndex = entry.Index;
    }

    public byte[] TakeSnapshot()
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, AppliedIndex);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), Hash);
        return bytes;
    }

    public void Restore(Snapshot snapshot)
    {
        if (snapshot.IsEmpty)
        {
            AppliedIndex = 0;
            Hash = FnvOffset;
            return;
        }

        AppliedIndex = BinaryPrimitives.ReadInt64LittleEndian(snapshot.Data.Span);
        Hash = BinaryPrimitives.ReadUInt64LittleEndian(snapshot.Data.Span[8..]);
        if (AppliedIndex != snapshot.Index)
        {
            throw new InvariantViolation($"snapshot at {snapshot.Index} holds state of index {AppliedIndex}");
        }
    }

    public static ulong Fingerprint(Entry entry)
    {
        var hash = Mix(FnvOffset, (ulong)entry.Type);
        foreach (var b in entry.Data.Span)
        {
            hash = (hash ^ b) * FnvPrime;
        }

        return hash;
    }

    private static ulong Mix(ulong hash, ulong value)
    {
        for (var i = 0; i < 8; i++)
        {
            hash = (hash ^ (byte)(value >> (8 * i))) * FnvPrime;
        }

        return hash;
    }
}
