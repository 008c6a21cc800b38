using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;
using Broker.Protocol.Messages.ConsumerGroupHeartbeat;
using Broker.Protocol.Messages.DeleteGroups;
using Broker.Protocol.Messages.DescribeGroups;
using Broker.Protocol.Messages.FindCoordinator;
using Broker.Protocol.Messages.ListGroups;
using Broker.Protocol.Messages.OffsetCommit;
using Broker.Protocol.Messages.OffsetFetch;

namespace Broker.Client.Tests.Support;

/// <summary>One group request as the fake coordinator received and answered it, in arrival order.</summary>
public sealed record GroupRequest(long Sequence, int Node, ApiKey Api, object Body, object? Response, long Timestamp);

/// <summary>
/// The fake cluster's group coordinator: FindCoordinator, the heartbeat (<see cref="FakeGroupHeartbeat"/>), offsets
/// and the group admin APIs, over <see cref="FakeGroup"/>s. Tests place groups on brokers, inject errors, set
/// targets, and read every group request in order (<see cref="Requests"/>).
/// </summary>
public sealed class FakeGroupCoordinator(FakeCluster cluster)
{
    private readonly ConcurrentDictionary<ApiKey, ConcurrentQueue<ErrorCode>> _errors = new();
    private readonly List<GroupRequest> _log = [];
    private readonly Dictionary<string, FakeGroup> _groups = new(StringComparer.Ordinal);

    /// <summary>What every heartbeat answer tells members (50 ms: tests see changes quickly).</summary>
    public int HeartbeatIntervalMs { get; set; } = 50;

    /// <summary>The broker coordinating groups not placed elsewhere.</summary>
    public int DefaultCoordinator { get; set; }

    public static bool IsGroupApi(ApiKey api) => ApiVersionsTable.GroupApis.Any(r => r.ApiKey == api);

    public IReadOnlyList<GroupRequest> Requests
    {
        get
        {
            lock (cluster.Lock)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>The group, created (empty, on the default coordinator) if it does not exist. Use under <see cref="FakeCluster.Lock"/> to change it.</summary>
    public FakeGroup Group(string id)
    {
        lock (cluster.Lock)
        {
            if (!_groups.TryGetValue(id, out var group))
            {
                _groups[id] = group = new FakeGroup(id, DefaultCoordinator);
            }

            return group;
        }
    }

    public void MoveGroup(string id, int node)
    {
        lock (cluster.Lock)
        {
            Group(id).CoordinatorNode = node;
        }
    }

    /// <summary>The next <paramref name="times"/> requests of <paramref name="api"/> are answered with this error, whole.</summary>
    public void InjectError(ApiKey api, ErrorCode error, int times = 1)
    {
        var queue = _errors.GetOrAdd(api, _ => new ConcurrentQueue<ErrorCode>());
        for (var i = 0; i < times; i++)
        {
            queue.Enqueue(error);
        }
    }

    /// <summary>Overrides a member's target; the group epoch moves, as when the real assignor runs.</summary>
    public void SetTarget(string groupId, string memberId, params TopicPartition[] partitions)
    {
        lock (cluster.Lock)
        {
            var group = Group(groupId);
            group.Members[memberId].ExplicitTarget = partitions;
            group.GroupEpoch++;
        }
    }

    public IReadOnlyDictionary<TopicPartition, long> Committed(string groupId)
    {
        lock (cluster.Lock)
        {
            return Group(groupId).Offsets.ToDictionary(o => o.Key, o => o.Value.Offset);
        }
    }

    public void Answer(RequestFrame frame, int node, IBufferWriter<byte> output)
    {
        var id = frame.Header.CorrelationId;
        lock (cluster.Lock)
        {
            var (body, response) = Handle(frame, node);
            _log.Add(new GroupRequest(_log.Count, node, frame.Header.ApiKey, body, response, Stopwatch.GetTimestamp()));
            switch (response)
            {
                case ErrorCode error:
                    FrameWriter.WriteErrorResponse(output, id, error);
                    break;
                case ConsumerGroupHeartbeatResponse r: FakeRequestHandler.Write(output, id, r); break;
                case OffsetCommitResponse r: FakeRequestHandler.Write(output, id, r); break;
                case OffsetFetchResponse r: FakeRequestHandler.Write(output, id, r); break;
                case FindCoordinatorResponse r: FakeRequestHandler.Write(output, id, r); break;
                case ListGroupsResponse r: FakeRequestHandler.Write(output, id, r); break;
                case DescribeGroupsResponse r: FakeRequestHandler.Write(output, id, r); break;
                case DeleteGroupsResponse r: FakeRequestHandler.Write(output, id, r); break;
                default: throw new InvalidOperationException($"no answer for {frame.Header.ApiKey}");
            }
        }
    }

    private (object Body, object Response) Handle(RequestFrame frame, int node)
    {
        var api = frame.Header.ApiKey;
        object body = api switch
        {
            ApiKey.FindCoordinator => frame.ReadBody<FindCoordinatorRequest>(),
            ApiKey.ConsumerGroupHeartbeat => frame.ReadBody<ConsumerGroupHeartbeatRequest>(),
            ApiKey.OffsetCommit => frame.ReadBody<OffsetCommitRequest>(),
            ApiKey.OffsetFetch => frame.ReadBody<OffsetFetchRequest>(),
            ApiKey.ListGroups => frame.ReadBody<ListGroupsRequest>(),
            ApiKey.DescribeGroups => frame.ReadBody<DescribeGroupsRequest>(),
            ApiKey.DeleteGroups => frame.ReadBody<DeleteGroupsRequest>(),
            _ => api,
        };
        if (_errors.TryGetValue(api, out var queue) && queue.TryDequeue(out var injected))
        {
            return (body, injected);
        }

        var groupId = body switch
        {
            ConsumerGroupHeartbeatRequest r => r.GroupId,
            OffsetCommitRequest r => r.GroupId,
            OffsetFetchRequest r => r.GroupId,
            DescribeGroupsRequest r => r.GroupIds.FirstOrDefault(),
            DeleteGroupsRequest r => r.GroupsNames.FirstOrDefault(),
            _ => null,
        };
        if (groupId is not null && (_groups.TryGetValue(groupId, out var placed) ? placed.CoordinatorNode : DefaultCoordinator) != node)
        {
            return (body, ErrorCode.NotCoordinator);
        }

        return (body, body switch
        {
            FindCoordinatorRequest r => FindCoordinator(r),
            ConsumerGroupHeartbeatRequest r => FakeGroupHeartbeat.Answer(cluster, Group(r.GroupId), r, frame.Header.ClientId ?? ""),
            OffsetCommitRequest r => FakeGroupOffsets.Commit(cluster, Group(r.GroupId), r),
            OffsetFetchRequest r => FakeGroupOffsets.Fetch(_groups.GetValueOrDefault(r.GroupId), r),
            ListGroupsRequest => new ListGroupsResponse
            {
                Groups = [.. _groups.Values.Where(g => g.CoordinatorNode == node)
                    .Select(g => new ListGroupsResponseGroup(g.Id, GroupWireValues.ConsumerProtocolType, g.State, GroupWireValues.ConsumerGroupType))],
            },
            DescribeGroupsRequest r => new DescribeGroupsResponse { Groups = [.. r.GroupIds.Select(Describe)] },
            DeleteGroupsRequest r => new DeleteGroupsResponse { Results = [.. r.GroupsNames.Select(Delete)] },
            _ => ErrorCode.UnsupportedVersion,
        });
    }

    private FindCoordinatorResponse FindCoordinator(FindCoordinatorRequest request)
    {
        var node = _groups.TryGetValue(request.Key, out var group) ? group.CoordinatorNode : DefaultCoordinator;
        return new FindCoordinatorResponse { NodeId = node, Host = "127.0.0.1", Port = cluster.Brokers[node].Port };
    }

    private DescribeGroupsResponseGroup Describe(string id)
    {
        if (!_groups.TryGetValue(id, out var group))
        {
            return new DescribeGroupsResponseGroup { GroupId = id, ErrorCode = ErrorCode.GroupIdNotFound, ErrorMessage = $"no group {id}" };
        }

        return new DescribeGroupsResponseGroup
        {
            GroupId = id,
            GroupState = group.State,
            GroupEpoch = group.GroupEpoch,
            AssignmentEpoch = group.GroupEpoch,
            AssignorName = group.Assignor,
            Members = [.. group.Members.Values.Select(m => new DescribeGroupsResponseMember
            {
                MemberId = m.MemberId,
                InstanceId = m.InstanceId,
                MemberEpoch = m.Epoch,
                ClientId = m.ClientId,
                ClientHost = "/127.0.0.1",
                SubscribedTopicNames = m.Subscription,
                Assignment = FakeGroupHeartbeat.ToWire(m.Owned),
                TargetAssignment = FakeGroupHeartbeat.ToWire(FakeGroupHeartbeat.TargetOf(cluster, group, m)),
            })],
        };
    }

    private DeleteGroupsResult Delete(string id)
    {
        if (!_groups.TryGetValue(id, out var group))
        {
            return new DeleteGroupsResult(id, ErrorCode.GroupIdNotFound, "no such group");
        }

        if (!group.IsEmpty)
        {
            return new DeleteGroupsResult(id, ErrorCode.NonEmptyGroup, $"{group.Members.Count} members");
        }

        _groups.Remove(id);
        return new DeleteGroupsResult(id, ErrorCode.None);
    }
}
