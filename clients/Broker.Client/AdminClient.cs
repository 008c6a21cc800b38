using Broker.Client.Admin;
using Broker.Client.Groups;
using Broker.Client.Internal;
using Broker.Client.Metadata;
using Broker.Client.Network;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Protocol.Messages;
using Broker.Protocol.Messages.AlterConfigs;
using Broker.Protocol.Messages.CreatePartitions;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.DeleteTopics;
using Broker.Protocol.Messages.DescribeConfigs;
using Broker.Protocol.Messages.ListOffsets;

namespace Broker.Client;

/// <summary>
/// Manages topics, partitions, configurations and consumer groups, and describes the cluster. Topic changes go to
/// the active controller when known (any broker forwards them otherwise); group requests go to the group's
/// coordinator. Thread-safe.
/// </summary>
/// <remarks>
/// Error convention: a method returns its results when every item succeeded and throws
/// <see cref="AdminOperationException"/> (carrying every item's result) when any failed; an error of the request as
/// a whole (unreachable cluster, unsupported version) is a <see cref="BrokerException"/>.
/// </remarks>
public sealed class AdminClient : IAsyncDisposable
{
    private readonly AdminClientOptions _options;
    private readonly ConnectionPool _pool;
    private readonly MetadataManager _metadata;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly AdminOffsets _offsets;
    private readonly AdminGroups _groups;

    public AdminClient(AdminClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _pool = new ConnectionPool(options.ToConnectionSettings());
        _metadata = new MetadataManager(options, _pool, TimeProvider.System, _lifetime.Token);
        _offsets = new AdminOffsets(_metadata, _pool);
        var coordinators = new GroupCoordinatorLocator(options, _metadata, _pool, TimeProvider.System);
        _groups = new AdminGroups(options, _metadata, _pool, coordinators, TimeProvider.System);
    }

    private int TimeoutMs => (int)Math.Min(int.MaxValue, _options.OperationTimeout.TotalMilliseconds);

    public async Task<IReadOnlyList<CreateTopicResult>> CreateTopicsAsync(
        IEnumerable<TopicSpecification> topics, bool validateOnly = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var request = new CreateTopicsRequest
        {
            Topics = [.. topics.Select(t => new CreateTopicsRequestTopic
            {
                Name = t.Name,
                NumPartitions = t.NumPartitions,
                ReplicationFactor = t.ReplicationFactor,
                Configs = [.. t.Configs.Select(c => new ConfigEntry(c.Key, c.Value))],
            })],
            TimeoutMs = TimeoutMs,
            ValidateOnly = validateOnly,
        };
        var response = await SendToControllerAsync<CreateTopicsRequest, CreateTopicsResponse>(request, cancellationToken).ConfigureAwait(false);
        ThrowIfWholeRequestFailed(response, "CreateTopics");
        var results = response.Topics.Select(t => new CreateTopicResult(t.Name, t.ErrorCode, t.ErrorMessage, t.NumPartitions, t.ReplicationFactor)).ToList();
        ThrowIfAnyFailed("CreateTopics", results.Select(r => new AdminItemResult(r.Name, r.Error, r.ErrorMessage)).ToList());
        return results;
    }

    public async Task<IReadOnlyList<AdminItemResult>> DeleteTopicsAsync(IEnumerable<string> topics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var request = new DeleteTopicsRequest { TopicNames = [.. topics], TimeoutMs = TimeoutMs };
        var response = await SendToControllerAsync<DeleteTopicsRequest, DeleteTopicsResponse>(request, cancellationToken).ConfigureAwait(false);
        ThrowIfWholeRequestFailed(response, "DeleteTopics");
        return ThrowIfAnyFailed("DeleteTopics", response.Topics.Select(ToResult).ToList());
    }

    /// <summary>Grows each topic to the given total partition count (partitions are never removed).</summary>
    public async Task<IReadOnlyList<AdminItemResult>> CreatePartitionsAsync(
        IReadOnlyDictionary<string, int> totalCounts, bool validateOnly = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(totalCounts);
        var request = new CreatePartitionsRequest
        {
            Topics = [.. totalCounts.Select(t => new CreatePartitionsRequestTopic(t.Key, t.Value))],
            TimeoutMs = TimeoutMs,
            ValidateOnly = validateOnly,
        };
        var response = await SendToControllerAsync<CreatePartitionsRequest, CreatePartitionsResponse>(request, cancellationToken).ConfigureAwait(false);
        ThrowIfWholeRequestFailed(response, "CreatePartitions");
        _metadata.RequestRefresh();
        return ThrowIfAnyFailed("CreatePartitions", response.Topics.Select(ToResult).ToList());
    }

    /// <summary>The effective configuration of each topic; <paramref name="keys"/> null for every key.</summary>
    public async Task<IReadOnlyList<TopicConfigs>> DescribeConfigsAsync(
        IEnumerable<string> topics, IReadOnlyList<string>? keys = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var request = new DescribeConfigsRequest
        {
            Resources = [.. topics.Select(t => new DescribeConfigsRequestResource { ResourceName = t, ConfigurationKeys = keys })],
        };
        var response = await SendToControllerAsync<DescribeConfigsRequest, DescribeConfigsResponse>(request, cancellationToken).ConfigureAwait(false);
        ThrowIfWholeRequestFailed(response, "DescribeConfigs");
        ThrowIfAnyFailed("DescribeConfigs", response.Results.Select(r => new AdminItemResult(r.ResourceName, r.ErrorCode, r.ErrorMessage)).ToList());
        return [.. response.Results.Select(r => new TopicConfigs(r.ResourceName, r.Configs, r.ErrorCode, r.ErrorMessage))];
    }

    /// <summary>
    /// Changes topic configurations incrementally: per topic, each named key is set to its value, or its override
    /// removed when the value is null; other keys are untouched. Each topic's changes apply all or nothing.
    /// </summary>
    public async Task<IReadOnlyList<AdminItemResult>> AlterConfigsAsync(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> changes, bool validateOnly = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var request = new AlterConfigsRequest
        {
            Resources = [.. changes.Select(c => new AlterConfigsRequestResource
            {
                ResourceName = c.Key,
                Configs = [.. c.Value.Select(e => new ConfigEntry(e.Key, e.Value))],
            })],
            ValidateOnly = validateOnly,
        };
        var response = await SendToControllerAsync<AlterConfigsRequest, AlterConfigsResponse>(request, cancellationToken).ConfigureAwait(false);
        ThrowIfWholeRequestFailed(response, "AlterConfigs");
        return ThrowIfAnyFailed("AlterConfigs", response.Results.Select(r => new AdminItemResult(r.ResourceName, r.ErrorCode, r.ErrorMessage)).ToList());
    }

    /// <summary>Every topic with its partitions (leader, replicas, ISR), ordered by name.</summary>
    public async Task<IReadOnlyList<TopicDescription>> ListTopicsAsync(bool includeInternal = false, CancellationToken cancellationToken = default)
    {
        var snapshot = await _metadata.FetchAsync(null, cancellationToken).ConfigureAwait(false);
        return [.. snapshot.Topics.Values.Where(t => includeInternal || !t.IsInternal).OrderBy(t => t.Name, StringComparer.Ordinal)];
    }

    /// <summary>The named topics, in the order given.</summary>
    public async Task<IReadOnlyList<TopicDescription>> DescribeTopicsAsync(IEnumerable<string> topics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var names = topics.ToList();
        var snapshot = await _metadata.FetchAsync(names, cancellationToken).ConfigureAwait(false);
        var described = names.Select(n => snapshot.Topics.TryGetValue(n, out var t) ? t : new TopicDescription(n, false, [], ErrorCode.UnknownTopicOrPartition)).ToList();
        ThrowIfAnyFailed("DescribeTopics", described.Select(t => new AdminItemResult(t.Name, t.Error, null)).ToList());
        return described;
    }

    public async Task<ClusterDescription> DescribeClusterAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = await _metadata.FetchAsync([], cancellationToken).ConfigureAwait(false);
        return new ClusterDescription(snapshot.ClusterId, snapshot.ControllerId, [.. snapshot.Brokers.Values.OrderBy(b => b.NodeId)]);
    }

    /// <summary>Looks up offsets (earliest, latest, or by time) from each partition's leader.</summary>
    public Task<IReadOnlyDictionary<TopicPartition, ListOffsetsResult>> ListOffsetsAsync(
        IReadOnlyDictionary<TopicPartition, OffsetSpec> partitions, CancellationToken cancellationToken = default) =>
        _offsets.ListAsync(partitions, cancellationToken);

    /// <summary>Every consumer group in the cluster (each broker lists those it coordinates), ordered by id.</summary>
    public Task<IReadOnlyList<GroupListing>> ListGroupsAsync(CancellationToken cancellationToken = default) =>
        _groups.ListAsync(cancellationToken);

    /// <summary>
    /// The named groups, in the order given: state, epochs, assignor and members with their assignments. A group
    /// that does not exist fails with GROUP_ID_NOT_FOUND.
    /// </summary>
    public Task<IReadOnlyList<GroupDescription>> DescribeGroupsAsync(IEnumerable<string> groupIds, CancellationToken cancellationToken = default) =>
        _groups.DescribeAsync(groupIds, cancellationToken);

    /// <summary>Deletes empty groups and their committed offsets; a group with members fails with NON_EMPTY_GROUP.</summary>
    public Task<IReadOnlyList<AdminItemResult>> DeleteGroupsAsync(IEnumerable<string> groupIds, CancellationToken cancellationToken = default) =>
        _groups.DeleteAsync(groupIds, cancellationToken);

    /// <summary>
    /// A group's committed offsets (the next offset to consume): of <paramref name="partitions"/>, with null for
    /// one without a committed offset, or (null) of every partition the group has committed.
    /// </summary>
    public Task<IReadOnlyDictionary<TopicPartition, OffsetAndMetadata?>> ListGroupOffsetsAsync(
        string groupId, IEnumerable<TopicPartition>? partitions = null, CancellationToken cancellationToken = default) =>
        _groups.ListOffsetsAsync(groupId, partitions, cancellationToken);

    /// <summary>
    /// Sets a group's committed offsets, as a tool outside the group. The coordinator accepts this only while the
    /// group has no members; otherwise every partition fails with UNKNOWN_MEMBER_ID and a message saying to stop the
    /// group's consumers first.
    /// </summary>
    public Task<IReadOnlyList<AdminItemResult>> AlterGroupOffsetsAsync(
        string groupId, IReadOnlyDictionary<TopicPartition, OffsetAndMetadata> offsets, CancellationToken cancellationToken = default) =>
        _groups.AlterOffsetsAsync(groupId, offsets, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _pool.DisposeAsync().ConfigureAwait(false);
        _lifetime.Dispose();
    }

    private static AdminItemResult ToResult(TopicResult result) => new(result.Name, result.ErrorCode, result.ErrorMessage);

    private static IReadOnlyList<AdminItemResult> ThrowIfAnyFailed(string operation, IReadOnlyList<AdminItemResult> results) =>
        results.Any(r => !r.IsSuccess) ? throw new AdminOperationException(operation, results) : results;

    private static void ThrowIfWholeRequestFailed<TResponse>(TResponse response, string operation)
        where TResponse : IResponseMessage<TResponse>
    {
        if (response.ErrorCode != ErrorCode.None)
        {
            throw ClientErrors.Describe(response.ErrorCode, null, operation);
        }
    }

    /// <summary>To the active controller if the metadata names one, else to any broker; the next broker on a lost connection.</summary>
    private async Task<TResponse> SendToControllerAsync<TRequest, TResponse>(TRequest request, CancellationToken cancellationToken)
        where TRequest : IRequestMessage<TRequest>
        where TResponse : IResponseMessage<TResponse>
    {
        var snapshot = await _metadata.FetchAsync([], cancellationToken).ConfigureAwait(false);
        var candidates = snapshot.Brokers.Values
            .OrderBy(b => b.NodeId == snapshot.ControllerId ? 0 : 1)
            .Select(b => b.Endpoint)
            .ToList();
        BrokerException? last = null;
        foreach (var endpoint in candidates)
        {
            try
            {
                var connection = await _pool.GetAsync(endpoint, cancellationToken).ConfigureAwait(false);
                return await connection.RequestAsync<TRequest, TResponse>(request, cancellationToken, _options.OperationTimeout).ConfigureAwait(false);
            }
            catch (BrokerException e) when (e.Code == ClientErrors.ConnectionLost)
            {
                last = e;
            }
        }

        throw last ?? new BrokerException(ClientErrors.ConnectionLost, "The cluster's metadata lists no broker to send the request to.");
    }
}
