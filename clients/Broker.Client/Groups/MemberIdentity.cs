using Broker.Protocol;

namespace Broker.Client.Groups;

/// <summary>
/// Who sends an offset request: a member (its id, current epoch and static instance id), or nobody in particular
/// (<see cref="None"/>: an admin tool or a consumer that assigns itself partitions), which the coordinator accepts
/// for commits only while the group has no members.
/// </summary>
internal readonly record struct MemberIdentity(string? MemberId, int MemberEpoch, string? InstanceId)
{
    public static MemberIdentity None => new(null, ProtocolSentinels.NoMemberEpoch, null);
}
