using Broker.Client.Network;
using Broker.Core;
using Broker.Protocol.Messages.OffsetFetch;

namespace Broker.Client.Groups;

/// <summary>
/// Where a consumer with a group id reads the committed offsets its new partitions start from: one OffsetFetch to
/// the group's coordinator, sent as the member it is now (<paramref name="identity"/>, read at each call). Retrying is
/// the caller's: the fetcher plans the lookup again after its backoff.
/// </summary>
internal sealed class CommittedOffsetSource(GroupCoordinatorLocator locator, string groupId, Func<MemberIdentity> identity)
{
    public async Task<(OffsetFetchResponse Response, BrokerEndpoint Coordinator)> FetchOnceAsync(
        IReadOnlyList<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        var coordinator = await locator.FindAsync(groupId, cancellationToken).ConfigureAwait(false);
        var request = GroupWire.FetchRequest(groupId, identity(), partitions);
        var response = await locator.SendOnceAsync<OffsetFetchRequest, OffsetFetchResponse>(groupId, request, static r => r.ErrorCode, cancellationToken)
            .ConfigureAwait(false);
        return (response, coordinator);
    }
}
