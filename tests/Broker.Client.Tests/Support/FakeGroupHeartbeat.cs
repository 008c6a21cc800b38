using Broker.Core;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Protocol.Messages.ConsumerGroupHeartbeat;

namespace Broker.Client.Tests.Support;

/// <summary>
/// The fake coordinator's heartbeat: a small model of docs/consumer-groups.md. Targets are round-robin over the
/// subscribers of each topic (or what a test set); a member keeps its epoch and is sent its assignment without the
/// partitions it must give up until it reports them released; it gets only partitions nobody else holds; the
/// assignment is sent on a join, a full request, or when it changed.
/// </summary>
internal static class FakeGroupHeartbeat
{
    public static ConsumerGroupHeartbeatResponse Answer(FakeCluster cluster, FakeGroup group, ConsumerGroupHeartbeatRequest request, string clientId)
    {
        var interval = cluster.Groups.HeartbeatIntervalMs;
        if (request.MemberEpoch == ProtocolSentinels.JoinGroupMemberEpoch)
        {
            return Join(cluster, group, request, clientId);
        }

        if (request.MemberEpoch is ProtocolSentinels.LeaveGroupMemberEpoch or ProtocolSentinels.LeaveGroupStaticMemberEpoch)
        {
            if (group.Members.TryGetValue(request.MemberId, out var leaving))
            {
                if (request.MemberEpoch == ProtocolSentinels.LeaveGroupStaticMemberEpoch)
                {
                    leaving.AwayStatic = true;
                }
                else
                {
                    group.Members.Remove(request.MemberId);
                }

                group.GroupEpoch++;
            }

            return new ConsumerGroupHeartbeatResponse { MemberId = request.MemberId, MemberEpoch = request.MemberEpoch, HeartbeatIntervalMs = interval };
        }

        if (!group.Members.TryGetValue(request.MemberId, out var member) || member.AwayStatic)
        {
            return Error(ErrorCode.UnknownMemberId, $"no member {request.MemberId}");
        }

        if (request.MemberEpoch != member.Epoch)
        {
            return Error(ErrorCode.FencedMemberEpoch, $"epoch {request.MemberEpoch} is not {member.Epoch}");
        }

        if (request.SubscribedTopicNames is { } topics && !topics.SequenceEqual(member.Subscription))
        {
            member.Subscription = topics;
            group.GroupEpoch++;
        }

        if (request.TopicPartitions is { } owned)
        {
            member.Owned = [.. Flatten(owned)];
        }

        return Reconcile(cluster, group, member, full: request.SubscribedTopicNames is not null && request.TopicPartitions is not null);
    }

    public static TopicPartition[] Flatten(IReadOnlyList<TopicPartitions> topics) =>
        [.. topics.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Name, p)))];

    public static TopicPartitions[] ToWire(IEnumerable<TopicPartition> partitions) =>
        [.. partitions.GroupBy(p => p.Topic).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new TopicPartitions(g.Key, [.. g.Select(p => p.Partition).Order()]))];

    /// <summary>The partitions a member should own: what the test set, else its round-robin share.</summary>
    public static IReadOnlyList<TopicPartition> TargetOf(FakeCluster cluster, FakeGroup group, FakeGroupMember member)
    {
        if (member.ExplicitTarget is { } target)
        {
            return target;
        }

        var share = new List<TopicPartition>();
        foreach (var topic in member.Subscription.Order(StringComparer.Ordinal))
        {
            var subscribers = group.Members.Values.Where(m => m.Subscription.Contains(topic) && m.ExplicitTarget is null)
                .Select(m => m.MemberId).Order(StringComparer.Ordinal).ToList();
            var count = cluster.Topics.TryGetValue(topic, out var logs) ? logs.Count : 0;
            var index = subscribers.IndexOf(member.MemberId);
            share.AddRange(Enumerable.Range(0, count).Where(p => p % subscribers.Count == index).Select(p => new TopicPartition(topic, p)));
        }

        return share;
    }

    private static ConsumerGroupHeartbeatResponse Join(FakeCluster cluster, FakeGroup group, ConsumerGroupHeartbeatRequest request, string clientId)
    {
        if (request.SubscribedTopicNames is null)
        {
            return Error(ErrorCode.InvalidRequest, "a join needs a subscription");
        }

        if (request.ServerAssignor is { } assignor && assignor is not ("uniform" or "range"))
        {
            return Error(ErrorCode.UnsupportedAssignor, $"no assignor named '{assignor}'; this coordinator has uniform and range");
        }

        if (request.InstanceId is { } instance)
        {
            var holder = group.Members.Values.FirstOrDefault(m => m.InstanceId == instance);
            if (holder is { AwayStatic: false } && holder.MemberId != request.MemberId)
            {
                return Error(ErrorCode.UnreleasedInstanceId, $"instance id '{instance}' is held by {holder.MemberId}");
            }

            if (holder is not null)
            {
                group.Members.Remove(holder.MemberId);
            }
        }

        var id = request.MemberId.Length > 0 ? request.MemberId : group.NewMemberId();
        var explicitTarget = group.Members.GetValueOrDefault(id)?.ExplicitTarget;
        var member = new FakeGroupMember(id)
        {
            InstanceId = request.InstanceId,
            ClientId = clientId,
            Subscription = request.SubscribedTopicNames,
            ExplicitTarget = explicitTarget,
        };
        group.Members[id] = member;
        group.GroupEpoch++;
        member.Epoch = group.GroupEpoch;
        return Reconcile(cluster, group, member, full: true);
    }

    private static ConsumerGroupHeartbeatResponse Reconcile(FakeCluster cluster, FakeGroup group, FakeGroupMember member, bool full)
    {
        var target = TargetOf(cluster, group, member);
        IReadOnlyList<TopicPartition> assignment;
        if (member.Owned.Any(p => !target.Contains(p)))
        {
            assignment = [.. member.Owned.Where(target.Contains)]; // keeps its epoch until it reports the rest released
        }
        else
        {
            member.Epoch = group.GroupEpoch;
            var heldByOthers = group.Members.Values.Where(m => m != member)
                .SelectMany(m => m.Owned.Concat(m.LastSent ?? [])).ToHashSet();
            assignment = [.. target.Where(p => !heldByOthers.Contains(p))];
        }

        var ordered = assignment.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition).ToList();
        var send = full || member.LastSent is null || !member.LastSent.SequenceEqual(ordered);
        if (send)
        {
            member.LastSent = ordered;
        }

        return new ConsumerGroupHeartbeatResponse
        {
            MemberId = member.MemberId,
            MemberEpoch = member.Epoch,
            HeartbeatIntervalMs = cluster.Groups.HeartbeatIntervalMs,
            Assignment = send ? ToWire(ordered) : null,
        };
    }

    private static ConsumerGroupHeartbeatResponse Error(ErrorCode code, string message) => new() { ErrorCode = code, ErrorMessage = message };
}
