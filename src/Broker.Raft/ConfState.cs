using System.Buffers.Binary;

namespace Broker.Raft;

/// <summary>
/// A complete membership: the voters, whose majority decides elections and commitment, and the
/// observers (non-voting members) that receive the log but are never counted. Config entries carry a
/// whole <see cref="ConfState"/> rather than a delta, so the configuration at any index is simply the
/// latest config entry at or before it.
/// </summary>
public sealed class ConfState : IEquatable<ConfState>
{
    private readonly int[] _voters;
    private readonly int[] _observers;

    public ConfState(IEnumerable<int> voters, IEnumerable<int> observers)
    {
        _voters = voters.Distinct().Order().ToArray();
        _observers = observers.Distinct().Order().Except(_voters).ToArray();
        if (_voters.Concat(_observers).Any(id => id <= NodeId.None))
        {
            throw new ArgumentException("Node ids must be positive.", nameof(voters));
        }
    }

    public static ConfState Empty { get; } = new([], []);

    public IReadOnlyList<int> Voters => _voters;

    public IReadOnlyList<int> Observers => _observers;

    public bool IsEmpty => _voters.Length == 0 && _observers.Length == 0;

    public bool IsVoter(int id) => Array.BinarySearch(_voters, id) >= 0;

    public bool IsObserver(int id) => Array.BinarySearch(_observers, id) >= 0;

    public bool IsMember(int id) => IsVoter(id) || IsObserver(id);

    /// <summary>Layout: int32 voter count, int32 observer count, then the ids; all little-endian.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[8 + (4 * (_voters.Length + _observers.Length))];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, _voters.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), _observers.Length);
        var offset = 8;
        foreach (var id in _voters.Concat(_observers))
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset), id);
            offset += 4;
        }

        return bytes;
    }

    public static ConfState Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8)
        {
            throw new FormatException("ConfState shorter than its 8-byte header.");
        }

        var voters = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        var observers = BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]);
        if (voters < 0 || observers < 0 || bytes.Length != 8 + (4L * (voters + (long)observers)))
        {
            throw new FormatException("ConfState counts do not match its length.");
        }

        var ids = new int[voters + observers];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(8 + (4 * i))..]);
        }

        return new ConfState(ids[..voters], ids[voters..]);
    }

    public bool Equals(ConfState? other) =>
        other is not null && _voters.AsSpan().SequenceEqual(other._voters) && _observers.AsSpan().SequenceEqual(other._observers);

    public override bool Equals(object? obj) => Equals(obj as ConfState);

    public override int GetHashCode() => HashCode.Combine(_voters.Length, _observers.Length, _voters.FirstOrDefault());

    public override string ToString() => $"voters=[{string.Join(',', _voters)}] observers=[{string.Join(',', _observers)}]";
}
