using Broker.Core;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Messages.OffsetCommit;
using Broker.Protocol.Messages.OffsetFetch;

namespace Broker.Client.Tests.Support;

/// <summary>The fake coordinator's OffsetCommit and OffsetFetch, with the commit rules of docs/consumer-groups.md.</summary>
internal static class FakeGroupOffsets
{
    public static object Commit(FakeCluster cluster, FakeGroup group, OffsetCommitRequest request)
    {
        var error = WhoMayCommit(group, request.MemberId, request.GenerationIdOrMemberEpoch);
        if (error != ErrorCode.None)
        {
            return new OffsetCommitResponse { ErrorCode = error };
        }

        return new OffsetCommitResponse
        {
            Topics = [.. request.Topics.Select(t => new OffsetCommitResponseTopic
            {
                Name = t.Name,
                Partitions = [.. t.Partitions.Select(p =>
                {
                    var known = cluster.Topics.TryGetValue(t.Name, out var logs) && p.PartitionIndex < logs.Count;
                    if (known)
                    {
                        group.Offsets[new TopicPartition(t.Name, p.PartitionIndex)] = (p.CommittedOffset, p.CommittedMetadata);
                    }

                    return new OffsetCommitResponsePartition(p.PartitionIndex, known ? ErrorCode.None : ErrorCode.UnknownTopicOrPartition);
                })],
            })],
        };
    }

    public static OffsetFetchResponse Fetch(FakeGroup? group, OffsetFetchRequest request)
    {
        if (!string.IsNullOrEmpty(request.MemberId))
        {
            if (group is null || !group.Members.TryGetValue(request.MemberId, out var member))
            {
                return new OffsetFetchResponse { ErrorCode = ErrorCode.UnknownMemberId };
            }

            if (request.MemberEpoch != member.Epoch)
            {
                return new OffsetFetchResponse { ErrorCode = ErrorCode.StaleMemberEpoch };
            }
        }

        var offsets = group?.Offsets ?? [];
        var wanted = request.Topics is null
            ? offsets.Keys.ToList()
            : [.. request.Topics.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Name, p)))];
        return new OffsetFetchResponse
        {
            Topics = [.. wanted.GroupBy(p => p.Topic).Select(g => new OffsetFetchResponseTopic
            {
                Name = g.Key,
                Partitions = [.. g.Select(p => new OffsetFetchResponsePartition
                {
                    PartitionIndex = p.Partition,
                    CommittedOffset = offsets.TryGetValue(p, out var o) ? o.Offset : ProtocolSentinels.NoOffset,
                    CommittedLeaderEpoch = ProtocolSentinels.NoLeaderEpoch,
                    Metadata = offsets.TryGetValue(p, out var m) ? m.Metadata : null,
                })],
            })],
        };
    }

    private static ErrorCode WhoMayCommit(FakeGroup group, string? memberId, int epoch)
    {
        if (string.IsNullOrEmpty(memberId))
        {
            return epoch == ProtocolSentinels.NoMemberEpoch && group.IsEmpty ? ErrorCode.None : ErrorCode.UnknownMemberId;
        }

        if (!group.Members.TryGetValue(memberId, out var member))
        {
            return ErrorCode.UnknownMemberId;
        }

        return epoch < member.Epoch ? ErrorCode.StaleMemberEpoch : epoch > member.Epoch ? ErrorCode.FencedMemberEpoch : ErrorCode.None;
    }
}
