using Broker.Client.Groups;
using Broker.Client.Internal;
using Broker.Client.Metadata;
using Broker.Client.Network;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Protocol.Messages.DeleteGroups;
using Broker.Protocol.Messages.DescribeGroups;
using Broker.Protocol.Messages.ListGroups;
using Broker.Protocol.Messages.OffsetCommit;
using Broker.Protocol.Messages.OffsetFetch;
using Polly;

namespace Broker.Client.Admin;

/// <summary>
/// The admin client's consumer-group operations. ListGroups goes to every broker (each lists the groups it
/// coordinates); every other request goes to the group's coordinator through <see cref="GroupCoordinatorLocator"/>,
/// one request per group, in parallel. Coordinator errors and lost connections are retried with backoff for up to
/// <see cref="AdminClientOptions.OperationTimeout"/>.
/// </summary>
internal sealed class AdminGroups(AdminClientOptions options, MetadataManager metadata, ConnectionPool pool, GroupCoordinatorLocator locator, TimeProvider time)
{
    private readonly ResiliencePipeline _retry = ClientRetry.Pipeline(options, time, ClientRetry.UntilCancelled);

    public async Task<IReadOnlyList<GroupListing>> ListAsync(CancellationToken cancellationToken)
    {
        var snapshot = await metadata.FetchAsync([], cancellationToken).ConfigureAwait(false);
        var answers = await Task.WhenAll(snapshot.Brokers.Values.Select(b => ListAtAsync(b.Endpoint, cancellationToken))).ConfigureAwait(false);
        return
        [
            .. answers.SelectMany(a => a.Groups)
                .DistinctBy(g => g.GroupId, StringComparer.Ordinal)
                .OrderBy(g => g.GroupId, StringComparer.Ordinal)
                .Select(g => new GroupListing(g.GroupId, g.GroupState, g.GroupType)),
        ];
    }

    public async Task<IReadOnlyList<GroupDescription>> DescribeAsync(IEnumerable<string> groupIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groupIds);
        var ids = groupIds.ToList();
        var outcomes = await Task.WhenAll(ids.Select(id => DescribeOneAsync(id, cancellationToken))).ConfigureAwait(false);
        ThrowIfAnyFailed("DescribeGroups", [.. outcomes.Select(o => o.Result)]);
        return [.. outcomes.Select(o => o.Description!)];
    }

    public async Task<IReadOnlyList<AdminItemResult>> DeleteAsync(IEnumerable<string> groupIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groupIds);
        var results = await Task.WhenAll(groupIds.Select(id => DeleteOneAsync(id, cancellationToken))).ConfigureAwait(false);
        return ThrowIfAnyFailed("DeleteGroups", results);
    }

    /// <summary>Committed offsets; null for a partition asked for that has none.</summary>
    public async Task<IReadOnlyDictionary<TopicPartition, OffsetAndMetadata?>> ListOffsetsAsync(
        string groupId, IEnumerable<TopicPartition>? partitions, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        var asked = partitions?.ToList();
        var request = GroupWire.FetchRequest(groupId, MemberIdentity.None, asked);
        var response = await locator.SendAsync<OffsetFetchRequest, OffsetFetchResponse>(
            groupId, request, static r => r.ErrorCode, options.OperationTimeout, cancellationToken).ConfigureAwait(false);
        if (response.ErrorCode != ErrorCode.None)
        {
            throw ClientErrors.Describe(response.ErrorCode, null, $"Listing the offsets of group '{groupId}'");
        }

        var outcomes = GroupWire.FetchOutcomes(response, asked);
        ThrowIfAnyFailed("ListGroupOffsets", [.. outcomes.Select(o => new AdminItemResult(o.Key.ToString(), o.Value.Error, null))]);
        return outcomes.ToDictionary(o => o.Key, o => o.Value.Committed);
    }

    /// <summary>
    /// Commits offsets as a tool outside the group (no member id, epoch -1), which the coordinator accepts only while
    /// the group has no members; its refusal becomes a per-partition error that says so.
    /// </summary>
    public async Task<IReadOnlyList<AdminItemResult>> AlterOffsetsAsync(
        string groupId, IReadOnlyDictionary<TopicPartition, OffsetAndMetadata> offsets, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        ArgumentNullException.ThrowIfNull(offsets);
        foreach (var (partition, offset) in offsets)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(offset.Offset, $"offset of {partition}");
        }

        var request = GroupWire.CommitRequest(groupId, MemberIdentity.None, offsets);
        var response = await locator.SendAsync<OffsetCommitRequest, OffsetCommitResponse>(
            groupId, request, static r => r.ErrorCode, options.OperationTimeout, cancellationToken).ConfigureAwait(false);
        if (response.ErrorCode != ErrorCode.None)
        {
            var why = response.ErrorCode == ErrorCode.UnknownMemberId
                ? $"group '{groupId}' has active members; offsets can be altered only while the group is empty (stop its consumers first)"
                : ErrorCodes.Describe(response.ErrorCode);
            throw new AdminOperationException("AlterGroupOffsets",
                [.. offsets.Keys.Select(p => new AdminItemResult(p.ToString(), response.ErrorCode, why))]);
        }

        return ThrowIfAnyFailed("AlterGroupOffsets",
            [.. GroupWire.CommitOutcomes(response, offsets.Keys).Select(o => new AdminItemResult(o.Partition.ToString(), o.Error, null))]);
    }

    private Task<ListGroupsResponse> ListAtAsync(BrokerEndpoint broker, CancellationToken cancellationToken) =>
        _retry.RunWithinAsync(
            async token =>
            {
                var connection = await pool.GetAsync(broker, token).ConfigureAwait(false);
                var response = await connection.RequestAsync<ListGroupsRequest, ListGroupsResponse>(new ListGroupsRequest(), token).ConfigureAwait(false);
                return response.ErrorCode == ErrorCode.None
                    ? response
                    : throw ClientErrors.Describe(response.ErrorCode, null, $"ListGroups at broker {broker}");
            },
            options.OperationTimeout,
            $"ListGroups at broker {broker}",
            cancellationToken);

    private async Task<(AdminItemResult Result, GroupDescription? Description)> DescribeOneAsync(string groupId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await locator.SendAsync<DescribeGroupsRequest, DescribeGroupsResponse>(
                groupId, new DescribeGroupsRequest { GroupIds = [groupId] }, r => ErrorOf(r, groupId), options.OperationTimeout, cancellationToken)
                .ConfigureAwait(false);
            var group = response.Groups.FirstOrDefault(g => g.GroupId == groupId);
            var error = ErrorOf(response, groupId);
            return error != ErrorCode.None || group is null
                ? (new AdminItemResult(groupId, error == ErrorCode.None ? ErrorCode.UnknownServerError : error, group?.ErrorMessage), null)
                : (new AdminItemResult(groupId, ErrorCode.None, null), Describe(group));
        }
        catch (BrokerException e)
        {
            return (new AdminItemResult(groupId, e.Code, e.Message), null);
        }
    }

    private async Task<AdminItemResult> DeleteOneAsync(string groupId, CancellationToken cancellationToken)
    {
        static ErrorCode ErrorOf(DeleteGroupsResponse response) =>
            response.ErrorCode != ErrorCode.None ? response.ErrorCode : response.Results.FirstOrDefault().ErrorCode;

        try
        {
            var response = await locator.SendAsync<DeleteGroupsRequest, DeleteGroupsResponse>(
                groupId, new DeleteGroupsRequest { GroupsNames = [groupId] }, ErrorOf, options.OperationTimeout, cancellationToken).ConfigureAwait(false);
            var result = response.Results.FirstOrDefault(r => r.GroupId == groupId);
            var error = response.ErrorCode != ErrorCode.None ? response.ErrorCode : result.GroupId is null ? ErrorCode.UnknownServerError : result.ErrorCode;
            return new AdminItemResult(groupId, error, result.ErrorMessage);
        }
        catch (BrokerException e)
        {
            return new AdminItemResult(groupId, e.Code, e.Message);
        }
    }

    private static ErrorCode ErrorOf(DescribeGroupsResponse response, string groupId) =>
        response.ErrorCode != ErrorCode.None
            ? response.ErrorCode
            : response.Groups.FirstOrDefault(g => g.GroupId == groupId)?.ErrorCode ?? ErrorCode.None;

    private static GroupDescription Describe(DescribeGroupsResponseGroup group) => new(
        group.GroupId,
        group.GroupState,
        group.GroupEpoch,
        group.AssignmentEpoch,
        group.AssignorName,
        [.. group.Members.Select(m => new GroupMemberDescription(
            m.MemberId, m.InstanceId, m.RackId, m.MemberEpoch, m.ClientId, m.ClientHost, m.SubscribedTopicNames,
            GroupWire.FromWire(m.Assignment), GroupWire.FromWire(m.TargetAssignment)))]);

    private static IReadOnlyList<AdminItemResult> ThrowIfAnyFailed(string operation, IReadOnlyList<AdminItemResult> results) =>
        results.Any(r => !r.IsSuccess) ? throw new AdminOperationException(operation, results) : results;
}
