namespace Broker.Server.Groups;

/// <summary>
/// One record of a <c>__consumer_offsets</c> partition: a key and its new value, or a tombstone (null value) that
/// deletes the entity. Every change to coordinator state is one of these, applied by
/// <see cref="GroupCoordinatorShard.Replay(GroupRecord)"/>, both live and when a coordinator loads the partition.
/// </summary>
public sealed record GroupRecord(GroupRecordKey Key, GroupRecordValue? Value)
{
    public bool IsTombstone => Value is null;

    public static GroupRecord Tombstone(GroupRecordKey key) => new(key, null);

    public override string ToString() => $"{Key} = {(Value is null ? "tombstone" : Value.ToString())}";
}
