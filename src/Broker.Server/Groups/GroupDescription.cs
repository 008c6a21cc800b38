using Broker.Core.Errors;

namespace Broker.Server.Groups;

/// <summary>A group as DescribeGroups shows it; an unknown group is Dead with GROUP_ID_NOT_FOUND.</summary>
public sealed record GroupDescription(
    string GroupId,
    ErrorCode Error,
    GroupState State,
    int GroupEpoch,
    int AssignmentEpoch,
    string Assignor,
    IReadOnlyList<MemberDescription> Members);
