namespace Broker.Client.Admin;

/// <summary>
/// A consumer group as its coordinator describes it. <see cref="GroupEpoch"/> moves on every change of membership
/// or subscriptions; <see cref="AssignmentEpoch"/> is the group epoch the current target assignment was computed
/// for; <see cref="Assignor"/> is the server assignor in use (<c>uniform</c> or <c>range</c>).
/// </summary>
public sealed record GroupDescription(
    string GroupId,
    string State,
    int GroupEpoch,
    int AssignmentEpoch,
    string Assignor,
    IReadOnlyList<GroupMemberDescription> Members);
