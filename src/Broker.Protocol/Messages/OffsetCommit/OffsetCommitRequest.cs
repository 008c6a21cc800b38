namespace Broker.Protocol.Messages.OffsetCommit;

/// <summary>
/// OffsetCommit v0: group_id string | generation_id_or_member_epoch int32 | member_id string (nullable) |
/// group_instance_id string (nullable) | topics [OffsetCommitRequestTopic]. Stores committed offsets durably in
/// the group's partition of __consumer_offsets. A group member sends its member id and current member epoch, and
/// the coordinator refuses a commit from a stale or unknown member; a simple consumer (no membership) sends
/// <see cref="ProtocolSentinels.NoMemberEpoch"/> and no member id, which is accepted only while the group has no
/// members.
/// </summary>
public sealed class OffsetCommitRequest : IRequestMessage<OffsetCommitRequest>
{
    public static ApiKey ApiKey => ApiKey.OffsetCommit;

    public required string GroupId { get; init; }

    /// <summary>The member's current epoch; <see cref="ProtocolSentinels.NoMemberEpoch"/> for a simple consumer.</summary>
    public int GenerationIdOrMemberEpoch { get; init; } = ProtocolSentinels.NoMemberEpoch;

    /// <summary>The member's id; null (or empty) for a simple consumer.</summary>
    public string? MemberId { get; init; }

    public string? GroupInstanceId { get; init; }

    public IReadOnlyList<OffsetCommitRequestTopic> Topics { get; init; } = [];

    public static OffsetCommitRequest Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.OffsetCommit, version);
        var groupId = reader.ReadString();
        var epoch = reader.ReadInt32();
        var memberId = reader.ReadNullableString();
        var instanceId = reader.ReadNullableString();
        var topics = new OffsetCommitRequestTopic[reader.ReadArrayCount(OffsetCommitRequestTopic.EncodedBytesMin)];
        for (var i = 0; i < topics.Length; i++)
        {
            topics[i] = OffsetCommitRequestTopic.Read(ref reader, version);
        }

        return new OffsetCommitRequest
        {
            GroupId = groupId,
            GenerationIdOrMemberEpoch = epoch,
            MemberId = memberId,
            GroupInstanceId = instanceId,
            Topics = topics,
        };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.OffsetCommit, version);
        writer.WriteString(GroupId);
        writer.WriteInt32(GenerationIdOrMemberEpoch);
        writer.WriteString(MemberId);
        writer.WriteString(GroupInstanceId);
        writer.WriteArrayCount(Topics.Count);
        for (var i = 0; i < Topics.Count; i++)
        {
            Topics[i].Write(ref writer, version);
        }
    }
}
