namespace Broker.Protocol.Messages.DescribeGroups;

/// <summary>
/// One member of a described group: member_id string | instance_id string (nullable) | rack_id string (nullable) |
/// member_epoch int32 | client_id string | client_host string | subscribed_topic_names [string] |
/// assignment [TopicPartitions] | target_assignment [TopicPartitions].
/// </summary>
public sealed class DescribeGroupsResponseMember
{
    internal const int EncodedBytesMin = 2 + 2 + 2 + 4 + 2 + 2 + 4 + 4 + 4;

    public required string MemberId { get; init; }

    public string? InstanceId { get; init; }

    public string? RackId { get; init; }

    public int MemberEpoch { get; init; }

    /// <summary>The client_id of the member's heartbeat requests.</summary>
    public string ClientId { get; init; } = "";

    /// <summary>The address the member's heartbeats came from.</summary>
    public string ClientHost { get; init; } = "";

    public IReadOnlyList<string> SubscribedTopicNames { get; init; } = [];

    /// <summary>The partitions the member owns now (as it last reported).</summary>
    public IReadOnlyList<TopicPartitions> Assignment { get; init; } = [];

    /// <summary>The partitions the assignor gave it; equal to <see cref="Assignment"/> once reconciled.</summary>
    public IReadOnlyList<TopicPartitions> TargetAssignment { get; init; } = [];

    internal static DescribeGroupsResponseMember Read(ref ProtocolReader reader, short version) => new()
    {
        MemberId = reader.ReadString(),
        InstanceId = reader.ReadNullableString(),
        RackId = reader.ReadNullableString(),
        MemberEpoch = reader.ReadInt32(),
        ClientId = reader.ReadString(),
        ClientHost = reader.ReadString(),
        SubscribedTopicNames = reader.ReadStringArray(),
        Assignment = TopicPartitions.ReadArray(ref reader),
        TargetAssignment = TopicPartitions.ReadArray(ref reader),
    };

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteString(MemberId);
        writer.WriteString(InstanceId);
        writer.WriteString(RackId);
        writer.WriteInt32(MemberEpoch);
        writer.WriteString(ClientId);
        writer.WriteString(ClientHost);
        writer.WriteStringArray(SubscribedTopicNames);
        TopicPartitions.WriteArray(ref writer, Assignment);
        TopicPartitions.WriteArray(ref writer, TargetAssignment);
    }
}
