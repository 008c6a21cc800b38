using System.IO.Pipelines;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;
using Broker.Protocol.Messages.ConsumerGroupHeartbeat;
using Broker.Protocol.Messages.DeleteGroups;
using Broker.Protocol.Messages.DescribeGroups;
using Broker.Protocol.Messages.FindCoordinator;
using Broker.Protocol.Messages.LeaveGroup;
using Broker.Protocol.Messages.ListGroups;
using Broker.Protocol.Messages.OffsetCommit;
using Broker.Protocol.Messages.OffsetFetch;
using Broker.Server.Groups;
using Broker.Server.Hosting;

namespace Broker.Server.Handlers;

/// <summary>
/// The group APIs: adapters between the wire messages and the <see cref="GroupCoordinator"/>. A request for a group
/// this broker does not coordinate gets NOT_COORDINATOR (the client asks FindCoordinator again); one for a partition
/// still loading gets COORDINATOR_LOAD_IN_PROGRESS (the client retries).
/// </summary>
internal sealed class GroupHandler
{
    private readonly BrokerRuntime _runtime;

    public GroupHandler(BrokerRuntime runtime) => _runtime = runtime;

    private GroupCoordinator Coordinator => _runtime.Groups;

    public async ValueTask HandleFindCoordinatorAsync(RequestFrame frame, PipeWriter output, CancellationToken cancellationToken)
    {
        var request = frame.ReadBody<FindCoordinatorRequest>();
        FindCoordinatorResponse response;
        if (request.KeyType != CoordinatorType.Group)
        {
            response = new FindCoordinatorResponse { ErrorCode = ErrorCode.InvalidRequest, ErrorMessage = $"Coordinator type {(int)request.KeyType} is not served: only consumer groups (0)." };
        }
        else
        {
            try
            {
                var leader = await Coordinator.FindCoordinatorAsync(request.Key, cancellationToken);
                response = new FindCoordinatorResponse { NodeId = leader.NodeId, Host = leader.Host, Port = leader.Port };
            }
            catch (BrokerException e)
            {
                response = new FindCoordinatorResponse { ErrorCode = e.Code, ErrorMessage = e.Message };
            }
        }

        Respond(frame, output, response);
    }

    public async ValueTask HandleHeartbeatAsync(RequestFrame frame, PipeWriter output, string clientHost, CancellationToken cancellationToken)
    {
        var request = frame.ReadBody<ConsumerGroupHeartbeatRequest>();
        var input = new HeartbeatInput(
            request.GroupId,
            request.MemberId,
            request.MemberEpoch,
            request.InstanceId,
            request.RackId,
            request.RebalanceTimeoutMs,
            request.SubscribedTopicNames,
            request.ServerAssignor,
            request.TopicPartitions is { } owned ? ToSet(owned) : null,
            frame.Header.ClientId ?? string.Empty,
            clientHost);
        ConsumerGroupHeartbeatResponse response;
        try
        {
            var answer = await Coordinator.PartitionOf(request.GroupId).WriteAsync((shard, now) => shard.Heartbeat(input, now), cancellationToken);
            response = new ConsumerGroupHeartbeatResponse
            {
                ErrorCode = answer.Error,
                ErrorMessage = answer.ErrorMessage,
                MemberId = answer.MemberId,
                MemberEpoch = answer.MemberEpoch,
                HeartbeatIntervalMs = answer.HeartbeatIntervalMs,
                Assignment = answer.Assignment is { } assignment ? ToWire(assignment) : null,
            };
        }
        catch (BrokerException e)
        {
            response = new ConsumerGroupHeartbeatResponse
            {
                ErrorCode = e.Code,
                ErrorMessage = e.Message,
                MemberId = request.MemberId,
                MemberEpoch = request.MemberEpoch,
                HeartbeatIntervalMs = Coordinator.Options.HeartbeatIntervalMs,
            };
        }

        Respond(frame, output, response);
    }

    public async ValueTask HandleLeaveGroupAsync(RequestFrame frame, PipeWriter output, CancellationToken cancellationToken)
    {
        var request = frame.ReadBody<LeaveGroupRequest>();
        LeaveGroupResponse response;
        try
        {
            var partition = Coordinator.PartitionOf(request.GroupId);
            var members = new List<LeaveGroupResponseMember>(request.Members.Count);
            foreach (var member in request.Members)
            {
                var error = await partition.WriteAsync((shard, now) =>
                {
                    var memberId = member.MemberId.Length > 0 || member.GroupInstanceId is null
                        ? member.MemberId
                        : shard.MemberOfInstance(request.GroupId, member.GroupInstanceId) ?? string.Empty;
                    if (memberId.Length == 0 || (member.GroupInstanceId is { } instance && shard.MemberOfInstance(request.GroupId, instance) != memberId))
                    {
                        return new GroupOperationResult<ErrorCode>(ErrorCode.UnknownMemberId, []);
                    }

                    var left = shard.LeaveGroup(request.GroupId, memberId, keepAssignmentForRestart: false, now);
                    return new GroupOperationResult<ErrorCode>(left.Response.Error, left.Records);
                }, cancellationToken);
                members.Add(new LeaveGroupResponseMember(member.MemberId, member.GroupInstanceId, error));
            }

            response = new LeaveGroupResponse { Members = members };
        }
        catch (BrokerException e)
        {
            response = new LeaveGroupResponse { ErrorCode = e.Code };
        }

        Respond(frame, output, response);
    }

    public async ValueTask HandleOffsetCommitAsync(RequestFrame frame, PipeWriter output, CancellationToken cancellationToken)
    {
        var request = frame.ReadBody<OffsetCommitRequest>();
        var image = _runtime.Controller.Image;
        // One entry per partition, the last given winning: a request naming a partition many times must not grow the
        // batch the coordinator writes past what the cluster's partitions can need (it is bounded by them this way).
        var entries = new Dictionary<TopicPartition, OffsetCommitEntry>();
        var errors = new Dictionary<TopicPartition, ErrorCode>();
        foreach (var topic in request.Topics)
        {
            var partitionCount = image.Topics.TryGetValue(topic.Name, out var known) ? known.Partitions.Length : 0;
            foreach (var partition in topic.Partitions)
            {
                var tp = new TopicPartition(topic.Name, partition.PartitionIndex);
                if (partition.PartitionIndex < 0 || partition.PartitionIndex >= partitionCount)
                {
                    errors[tp] = ErrorCode.UnknownTopicOrPartition;
                }
                else
                {
                    entries[tp] = new OffsetCommitEntry(tp, partition.CommittedOffset, partition.CommittedLeaderEpoch, partition.CommittedMetadata);
                }
            }
        }

        // Refusals of the whole request (coordinator errors, a stale or unknown member) come alone, with no topics:
        // nothing was committed.
        var refusal = ErrorCode.None;
        if (entries.Count > 0)
        {
            try
            {
                var input = new OffsetCommitInput(request.GroupId, request.MemberId ?? string.Empty, request.GenerationIdOrMemberEpoch, [.. entries.Values]);
                var committed = await Coordinator.PartitionOf(request.GroupId).WriteAsync((shard, now) => shard.CommitOffsets(input, now), cancellationToken);
                refusal = committed.Error;
                foreach (var result in committed.Partitions)
                {
                    errors[result.Partition] = result.Error;
                }
            }
            catch (BrokerException e)
            {
                refusal = e.Code;
            }
        }

        var response = refusal != ErrorCode.None
            ? new OffsetCommitResponse { ErrorCode = refusal }
            : new OffsetCommitResponse
            {
                Topics = [.. request.Topics.Select(t => new OffsetCommitResponseTopic
                {
                    Name = t.Name,
                    Partitions = [.. t.Partitions.Select(p => new OffsetCommitResponsePartition(p.PartitionIndex, errors[new TopicPartition(t.Name, p.PartitionIndex)]))],
                })],
            };
        Respond(frame, output, response);
    }

    public async ValueTask HandleOffsetFetchAsync(RequestFrame frame, PipeWriter output, CancellationToken cancellationToken)
    {
        var request = frame.ReadBody<OffsetFetchRequest>();
        IReadOnlyList<TopicPartition>? wanted = request.Topics?.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Name, p))).ToList();
        OffsetFetchResponse response;
        try
        {
            var fetched = await Coordinator.PartitionOf(request.GroupId).ReadAsync(shard => shard.FetchOffsets(request.GroupId, wanted), cancellationToken);
            response = new OffsetFetchResponse
            {
                ErrorCode = fetched.Error,
                Topics = [.. fetched.Partitions.GroupBy(o => o.Partition.Topic, StringComparer.Ordinal).Select(g => new OffsetFetchResponseTopic
                {
                    Name = g.Key,
                    Partitions = [.. g.Select(o => new OffsetFetchResponsePartition
                    {
                        PartitionIndex = o.Partition.Partition,
                        CommittedOffset = o.Offset,
                        CommittedLeaderEpoch = o.LeaderEpoch,
                        Metadata = o.Metadata,
                    })],
                })],
            };
        }
        catch (BrokerException e)
        {
            response = new OffsetFetchResponse { ErrorCode = e.Code };
        }

        Respond(frame, output, response);
    }

    public async ValueTask HandleListGroupsAsync(RequestFrame frame, PipeWriter output, CancellationToken cancellationToken)
    {
        var request = frame.ReadBody<ListGroupsRequest>();
        var groups = new List<ListGroupsResponseGroup>();
        var states = new HashSet<GroupState>();
        var unknownState = false;
        foreach (var name in request.StatesFilter)
        {
            if (Enum.TryParse<GroupState>(name, ignoreCase: true, out var state) && Enum.IsDefined(state))
            {
                states.Add(state);
            }
            else
            {
                unknownState = true;
            }
        }

        var typeMatches = request.TypesFilter.Count == 0
            || request.TypesFilter.Contains(GroupWireValues.ConsumerGroupType, StringComparer.OrdinalIgnoreCase);
        var wantsNone = !typeMatches || (unknownState && states.Count == 0);
        if (!wantsNone)
        {
            foreach (var partition in Coordinator.LoadedPartitions)
            {
                try
                {
                    var listed = await partition.ReadAsync(shard => shard.ListGroups(states), cancellationToken);
                    groups.AddRange(listed.Select(l => new ListGroupsResponseGroup(l.GroupId, GroupWireValues.ConsumerProtocolType, StateName(l.State), GroupWireValues.ConsumerGroupType)));
                }
                catch (BrokerException)
                {
                    // It moved or is reloading since we listed the partitions: its groups are listed by its new owner.
                }
            }
        }

        Respond(frame, output, new ListGroupsResponse { Groups = [.. groups.OrderBy(g => g.GroupId, StringComparer.Ordinal)] });
    }

    public async ValueTask HandleDescribeGroupsAsync(RequestFrame frame, PipeWriter output, CancellationToken cancellationToken)
    {
        var request = frame.ReadBody<DescribeGroupsRequest>();
        var groups = new List<DescribeGroupsResponseGroup>(request.GroupIds.Count);
        foreach (var groupId in request.GroupIds)
        {
            try
            {
                var description = await Coordinator.PartitionOf(groupId).ReadAsync(shard => shard.DescribeGroups([groupId])[0], cancellationToken);
                groups.Add(new DescribeGroupsResponseGroup
                {
                    ErrorCode = description.Error,
                    ErrorMessage = description.Error == ErrorCode.GroupIdNotFound ? $"Group '{groupId}' does not exist." : null,
                    GroupId = groupId,
                    GroupState = StateName(description.State),
                    GroupEpoch = description.GroupEpoch,
                    AssignmentEpoch = description.AssignmentEpoch,
                    AssignorName = description.Assignor,
                    Members = [.. description.Members.Select(m => new DescribeGroupsResponseMember
                    {
                        MemberId = m.MemberId,
                        InstanceId = m.InstanceId,
                        RackId = m.RackId,
                        MemberEpoch = m.MemberEpoch,
                        ClientId = m.ClientId,
                        ClientHost = m.ClientHost,
                        SubscribedTopicNames = m.SubscribedTopics,
                        Assignment = ToWire(m.Assigned.Union(m.PendingRevocation)),
                        TargetAssignment = ToWire(m.Target),
                    })],
                });
            }
            catch (BrokerException e)
            {
                groups.Add(new DescribeGroupsResponseGroup { GroupId = groupId, ErrorCode = e.Code, ErrorMessage = e.Message });
            }
        }

        Respond(frame, output, new DescribeGroupsResponse { Groups = groups });
    }

    public async ValueTask HandleDeleteGroupsAsync(RequestFrame frame, PipeWriter output, CancellationToken cancellationToken)
    {
        var request = frame.ReadBody<DeleteGroupsRequest>();
        var results = new List<DeleteGroupsResult>(request.GroupsNames.Count);
        foreach (var groupId in request.GroupsNames)
        {
            try
            {
                var deleted = await Coordinator.PartitionOf(groupId).WriteAsync((shard, _) => shard.DeleteGroups([groupId]), cancellationToken);
                var error = deleted[0].Error;
                results.Add(new DeleteGroupsResult(groupId, error, error switch
                {
                    ErrorCode.None => null,
                    ErrorCode.NonEmptyGroup => $"Group '{groupId}' has members; it can be deleted once they have left or their sessions expired.",
                    ErrorCode.GroupIdNotFound => $"Group '{groupId}' does not exist.",
                    _ => ErrorCodes.Describe(error),
                }));
            }
            catch (BrokerException e)
            {
                results.Add(new DeleteGroupsResult(groupId, e.Code, e.Message));
            }
        }

        Respond(frame, output, new DeleteGroupsResponse { Results = results });
    }

    private static string StateName(GroupState state) => state switch
    {
        GroupState.Empty => GroupWireValues.EmptyState,
        GroupState.Assigning => GroupWireValues.AssigningState,
        GroupState.Reconciling => GroupWireValues.ReconcilingState,
        GroupState.Stable => GroupWireValues.StableState,
        _ => GroupWireValues.DeadState,
    };

    private static TopicPartitionSet ToSet(IReadOnlyList<TopicPartitions> topics) =>
        TopicPartitionSet.Of(topics.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Name, p))));

    private static TopicPartitions[] ToWire(TopicPartitionSet set) =>
        [.. set.ByTopic().Select(t => new TopicPartitions(t.Topic, t.Partitions))];

    private static void Respond<T>(RequestFrame frame, PipeWriter output, T response)
        where T : IResponseMessage<T> =>
        FrameWriter.WriteResponse(output, frame.Header.CorrelationId, frame.Header.ApiVersion, response);
}
