using System.Collections.Concurrent;
using Broker.Client.Internal;
using Broker.Client.Metadata;
using Broker.Client.Network;
using Broker.Core.Errors;
using Broker.Protocol.Messages;
using Broker.Protocol.Messages.FindCoordinator;
using Polly;

namespace Broker.Client.Groups;

/// <summary>
/// Where each group's coordinator is, and how a group request gets there: the one place where the admin client and
/// the consumer ask FindCoordinator (of any broker), remember the answer, and forget it when the coordinator moved
/// (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS, or a lost connection), so the next
/// attempt finds it again. Thread-safe.
/// </summary>
internal sealed class GroupCoordinatorLocator
{
    private readonly MetadataManager _metadata;
    private readonly ConnectionPool _pool;
    private readonly ResiliencePipeline _retry;
    private readonly ConcurrentDictionary<string, BrokerEndpoint> _coordinators = new(StringComparer.Ordinal);

    public GroupCoordinatorLocator(ClientOptions options, MetadataManager metadata, ConnectionPool pool, TimeProvider time)
    {
        _metadata = metadata;
        _pool = pool;
        _retry = ClientRetry.Pipeline(options, time, ClientRetry.UntilCancelled);
    }

    /// <summary>The errors after which a group request must go to a coordinator found again.</summary>
    public static bool IsCoordinatorError(ErrorCode code) =>
        code is ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable or ErrorCode.CoordinatorLoadInProgress;

    /// <summary>The coordinator of <paramref name="groupId"/>, from the cache or asked of any broker.</summary>
    /// <exception cref="BrokerException">COORDINATOR_NOT_AVAILABLE or no broker reachable (retriable); INVALID_GROUP_ID.</exception>
    public async Task<BrokerEndpoint> FindAsync(string groupId, CancellationToken cancellationToken)
    {
        if (_coordinators.TryGetValue(groupId, out var known))
        {
            return known;
        }

        var request = new FindCoordinatorRequest { Key = groupId, KeyType = CoordinatorType.Group };
        var response = await _metadata.SendToAnyBrokerAsync<FindCoordinatorRequest, FindCoordinatorResponse>(request, null, cancellationToken)
            .ConfigureAwait(false);
        if (response.ErrorCode != ErrorCode.None)
        {
            throw ClientErrors.Describe(response.ErrorCode, response.ErrorMessage, $"Finding the coordinator of group '{groupId}'");
        }

        var coordinator = new BrokerEndpoint(response.Host, response.Port);
        _coordinators[groupId] = coordinator;
        return coordinator;
    }

    /// <summary>
    /// One attempt: the request to the group's coordinator. A coordinator error in the answer (as
    /// <paramref name="coordinatorErrorOf"/> reads it) or a lost connection forgets the coordinator and is thrown as a
    /// retriable <see cref="BrokerException"/>; any other answer is returned for the caller to judge.
    /// </summary>
    public async Task<TResponse> SendOnceAsync<TRequest, TResponse>(
        string groupId, TRequest request, Func<TResponse, ErrorCode> coordinatorErrorOf, CancellationToken cancellationToken)
        where TRequest : IRequestMessage<TRequest>
        where TResponse : IResponseMessage<TResponse>
    {
        var coordinator = await FindAsync(groupId, cancellationToken).ConfigureAwait(false);
        TResponse response;
        try
        {
            var connection = await _pool.GetAsync(coordinator, cancellationToken).ConfigureAwait(false);
            response = await connection.RequestAsync<TRequest, TResponse>(request, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokerException e) when (e.IsRetriable)
        {
            Forget(groupId, coordinator);
            throw;
        }

        var error = coordinatorErrorOf(response);
        if (IsCoordinatorError(error))
        {
            Forget(groupId, coordinator);
            throw ClientErrors.Describe(error, null, $"{TRequest.ApiKey} for group '{groupId}' at broker {coordinator}");
        }

        return response;
    }

    /// <summary>
    /// <see cref="SendOnceAsync"/> retried with the client's backoff while the failure is retriable, for at most
    /// <paramref name="timeout"/>; then the last failure is thrown, with the time spent in its message.
    /// </summary>
    public Task<TResponse> SendAsync<TRequest, TResponse>(
        string groupId, TRequest request, Func<TResponse, ErrorCode> coordinatorErrorOf, TimeSpan timeout, CancellationToken cancellationToken)
        where TRequest : IRequestMessage<TRequest>
        where TResponse : IResponseMessage<TResponse> =>
        _retry.RunWithinAsync(
            token => SendOnceAsync(groupId, request, coordinatorErrorOf, token), timeout, $"{TRequest.ApiKey} for group '{groupId}'", cancellationToken);

    private void Forget(string groupId, BrokerEndpoint stale) => _coordinators.TryRemove(KeyValuePair.Create(groupId, stale));
}
