using Broker.Client.Admin;
using Broker.Client.Internal;
using Broker.Client.Network;
using Broker.Core.Errors;
using Broker.Protocol.Messages;
using Broker.Protocol.Messages.Metadata;

namespace Broker.Client.Metadata;

/// <summary>
/// The client's cache of cluster metadata: which broker leads each partition of the topics in use. Refreshed when a
/// caller reports stale leadership (NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, a lost
/// connection), when a new topic is needed, and after <see cref="ClientOptions.MetadataMaxAge"/>.
/// </summary>
/// <remarks>
/// Refreshes are single-flight and spaced at least <see cref="ClientOptions.RetryBackoff"/> apart: a thousand
/// batches failing with NOT_LEADER_OR_FOLLOWER at once cause one Metadata request, not a thousand (no refresh storm).
/// Thread-safe; readers take <see cref="Current"/> without locks.
/// </remarks>
internal sealed class MetadataManager
{
    private readonly IReadOnlyList<BrokerEndpoint> _bootstrap;
    private readonly ConnectionPool _pool;
    private readonly TimeProvider _time;
    private readonly TimeSpan _backoff;
    private readonly TimeSpan _maxAge;
    private readonly Lock _lock = new();
    private readonly HashSet<string> _topics = new(StringComparer.Ordinal);
    private readonly CancellationToken _closing;
    private ClusterSnapshot _snapshot = ClusterSnapshot.Empty;
    private Task? _refreshing;
    private long _lastRefreshTimestamp;
    private bool _refreshedOnce;
    private volatile bool _stale = true;

    public MetadataManager(ClientOptions options, ConnectionPool pool, TimeProvider time, CancellationToken closing)
    {
        _bootstrap = BrokerEndpoint.ParseList(options.BootstrapServers);
        _pool = pool;
        _time = time;
        _backoff = options.RetryBackoff;
        _maxAge = options.MetadataMaxAge;
        _closing = closing;
    }

    public ClusterSnapshot Current => Volatile.Read(ref _snapshot);

    /// <summary>Marks the cache stale; the next lookup (or the producer's sender) refreshes it.</summary>
    public void RequestRefresh() => _stale = true;

    /// <summary>True when the cache is marked stale or older than the maximum age.</summary>
    public bool NeedsRefresh
    {
        get
        {
            if (_stale)
            {
                return true;
            }

            lock (_lock)
            {
                return _time.GetElapsedTime(_lastRefreshTimestamp) > _maxAge;
            }
        }
    }

    /// <summary>
    /// The topic's description once it has partitions with a known layout. Waits (refreshing with backoff) while the
    /// topic is unknown or being created, until <paramref name="cancellationToken"/> ends the wait.
    /// </summary>
    /// <exception cref="BrokerException">A non-retriable topic error, such as INVALID_TOPIC_EXCEPTION.</exception>
    public async ValueTask<TopicDescription> GetTopicAsync(string topic, CancellationToken cancellationToken)
    {
        var known = Current.Topics.TryGetValue(topic, out var description) && description.Error == ErrorCode.None && description.PartitionCount > 0;
        if (known)
        {
            if (NeedsRefresh)
            {
                RefreshInBackground();
            }

            return description!;
        }

        AddTopic(topic);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await RefreshAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (BrokerException e) when (e.IsRetriable)
            {
                // Every broker unreachable for now: the next refresh is spaced by the backoff.
            }

            if (Current.Topics.TryGetValue(topic, out description))
            {
                if (description.Error == ErrorCode.None && description.PartitionCount > 0)
                {
                    return description;
                }

                if (description.Error != ErrorCode.None && !ErrorCodes.IsRetriable(description.Error))
                {
                    throw ClientErrors.Describe(description.Error, null, $"Metadata for topic '{topic}'");
                }
            }

            RequestRefresh();
        }
    }

    /// <summary>Adds a topic to those every refresh asks about.</summary>
    public void AddTopic(string topic)
    {
        lock (_lock)
        {
            if (_topics.Add(topic))
            {
                _stale = true;
            }
        }
    }

    /// <summary>Starts a refresh if none is running and waits for the current one.</summary>
    public Task RefreshAsync(CancellationToken cancellationToken)
    {
        Task refreshing;
        lock (_lock)
        {
            if (_refreshing is null || _refreshing.IsCompleted)
            {
                _refreshing = RunRefreshAsync();
            }

            refreshing = _refreshing;
        }

        return refreshing.WaitAsync(cancellationToken);
    }

    /// <summary>Starts a refresh nobody waits for (or joins the running one); its errors are dropped.</summary>
    public void RefreshInBackground()
    {
        _ = RefreshAsync(CancellationToken.None).ContinueWith(
            static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>Asks now for <paramref name="topics"/> (null: every topic, as the admin client's listing does).</summary>
    public async Task<ClusterSnapshot> FetchAsync(IReadOnlyList<string>? topics, CancellationToken cancellationToken)
    {
        var response = await SendAsync(topics, cancellationToken).ConfigureAwait(false);
        var snapshot = Current.With(response, allTopics: topics is null);
        Volatile.Write(ref _snapshot, snapshot);
        return snapshot;
    }

    private async Task RunRefreshAsync()
    {
        TimeSpan wait;
        string[] topics;
        lock (_lock)
        {
            wait = _refreshedOnce ? _backoff - _time.GetElapsedTime(_lastRefreshTimestamp) : TimeSpan.Zero;
            topics = [.. _topics];
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, _closing).ConfigureAwait(false);
        }

        // Cleared before asking, so a staleness reported while the request is out causes one more refresh.
        _stale = false;
        try
        {
            var response = await SendAsync(topics, _closing).ConfigureAwait(false);
            Volatile.Write(ref _snapshot, Current.With(response, allTopics: false));
        }
        catch
        {
            _stale = true;
            throw;
        }
        finally
        {
            lock (_lock)
            {
                _lastRefreshTimestamp = _time.GetTimestamp();
                _refreshedOnce = true;
            }
        }
    }

    private Task<MetadataResponse> SendAsync(IReadOnlyList<string>? topics, CancellationToken cancellationToken) =>
        SendToAnyBrokerAsync<MetadataRequest, MetadataResponse>(
            new MetadataRequest { Topics = topics, AllowAutoTopicCreation = false }, static r => r.ErrorCode, cancellationToken);

    /// <summary>
    /// Sends a request any broker can answer (Metadata, FindCoordinator) to the known brokers, then the bootstrap
    /// servers, until one answers. A broker whose answer <paramref name="errorOf"/> finds an error is skipped like
    /// an unreachable one; with <paramref name="errorOf"/> null the first answer is returned whatever it says.
    /// </summary>
    /// <exception cref="BrokerException">No broker answered (retriable <see cref="ClientErrors.ConnectionLost"/>).</exception>
    public async Task<TResponse> SendToAnyBrokerAsync<TRequest, TResponse>(
        TRequest request, Func<TResponse, ErrorCode>? errorOf, CancellationToken cancellationToken)
        where TRequest : IRequestMessage<TRequest>
        where TResponse : IResponseMessage<TResponse>
    {
        Exception? last = null;
        foreach (var endpoint in Candidates())
        {
            try
            {
                var connection = await _pool.GetAsync(endpoint, cancellationToken).ConfigureAwait(false);
                var response = await connection.RequestAsync<TRequest, TResponse>(request, cancellationToken).ConfigureAwait(false);
                var error = errorOf?.Invoke(response) ?? ErrorCode.None;
                if (error == ErrorCode.None)
                {
                    return response;
                }

                last = ClientErrors.Describe(error, null, $"{TRequest.ApiKey} from broker {endpoint}");
            }
            catch (BrokerException e) when (e.IsRetriable)
            {
                last = e;
            }
        }

        throw new BrokerException(ClientErrors.ConnectionLost, $"No broker answered a {TRequest.ApiKey} request: {last?.Message}", last!);
    }

    /// <summary>Brokers to ask something any broker answers: the known ones from a random start, then the bootstrap servers.</summary>
    internal List<BrokerEndpoint> Candidates()
    {
        var brokers = Current.Brokers.Values.Select(b => b.Endpoint).ToList();
        // Start at a random known broker so many clients do not all ask the same one.
        var start = brokers.Count > 0 ? Random.Shared.Next(brokers.Count) : 0;
        var candidates = brokers.Skip(start).Concat(brokers.Take(start)).ToList();
        foreach (var endpoint in _bootstrap)
        {
            if (!candidates.Contains(endpoint))
            {
                candidates.Add(endpoint);
            }
        }

        return candidates;
    }
}
