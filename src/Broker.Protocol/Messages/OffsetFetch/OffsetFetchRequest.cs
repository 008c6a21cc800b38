namespace Broker.Protocol.Messages.OffsetFetch;

/// <summary>
/// OffsetFetch v0: group_id string | member_id string (nullable) | member_epoch int32 | require_stable bool |
/// topics [TopicPartitions] (nullable: null asks for every partition the group has an offset for). A member sends
/// its id and epoch so the coordinator can refuse a fenced member; an admin tool or simple consumer sends null and
/// <see cref="ProtocolSentinels.NoMemberEpoch"/>.
/// </summary>
public sealed class OffsetFetchRequest : IRequestMessage<OffsetFetchRequest>
{
    public static ApiKey ApiKey => ApiKey.OffsetFetch;

    public required string GroupId { get; init; }

    public string? MemberId { get; init; }

    public int MemberEpoch { get; init; } = ProtocolSentinels.NoMemberEpoch;

    /// <summary>
    /// Kafka's flag to hold back offsets that a pending transaction may still replace. This broker has no
    /// transactional commits, so every committed offset is stable and the flag changes nothing yet.
    /// </summary>
    public bool RequireStable { get; init; }

    /// <summary>The partitions wanted; null for all of the group's committed offsets.</summary>
    public IReadOnlyList<TopicPartitions>? Topics { get; init; }

    public static OffsetFetchRequest Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.OffsetFetch, version);
        return new OffsetFetchRequest
        {
            GroupId = reader.ReadString(),
            MemberId = reader.ReadNullableString(),
            MemberEpoch = reader.ReadInt32(),
            RequireStable = reader.ReadBoolean(),
            Topics = TopicPartitions.ReadNullableArray(ref reader),
        };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.OffsetFetch, version);
        writer.WriteString(GroupId);
        writer.WriteString(MemberId);
        writer.WriteInt32(MemberEpoch);
        writer.WriteBoolean(RequireStable);
        TopicPartitions.WriteArray(ref writer, Topics);
    }
}
