using System.Collections.Concurrent;
using Broker.Core.Errors;
using Broker.Protocol;

namespace Broker.Client.Tests.Support;

/// <summary>
/// A cluster of fake brokers sharing one in-memory state: topics, partition logs, leaders, configs. Tests steer it
/// (move a leader, inject errors, drop connections) and read what the clients did (request counts, the logs).
/// Every broker listens on 127.0.0.1 on a port the OS picks.
/// </summary>
public sealed class FakeCluster : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string, int), ConcurrentQueue<ErrorCode>> _produceErrors = new();
    private readonly ConcurrentDictionary<ApiKey, int> _requestCounts = new();
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _producePending;
    private int _producePendingMax;
    private int _producerIdsIssued;

    public FakeCluster(int brokers = 1)
    {
        Groups = new FakeGroupCoordinator(this);
        Brokers = [.. Enumerable.Range(0, brokers).Select(id => new FakeBroker(this, id))];
        foreach (var broker in Brokers)
        {
            broker.Start();
        }
    }

    public IReadOnlyList<FakeBroker> Brokers { get; }

    /// <summary>The group coordinator every broker answers group requests with.</summary>
    public FakeGroupCoordinator Groups { get; }

    public string BootstrapServers => string.Join(",", Brokers.Select(b => $"127.0.0.1:{b.Port}"));

    public Lock Lock { get; } = new();

    public Dictionary<string, List<FakePartitionLog>> Topics { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Dictionary<string, string?>> Configs { get; } = new(StringComparer.Ordinal);

    /// <summary>When set and true for a request, the broker closes the connection instead of answering it.</summary>
    public Func<ApiKey, bool>? DropConnectionOn { get; set; }

    /// <summary>False: ApiVersions leaves the group APIs out, as a broker from before consumer groups did.</summary>
    public bool ServesGroupApis { get; set; } = true;

    /// <summary>Held before answering each Produce: lets a test keep requests in flight.</summary>
    public TimeSpan ProduceDelay { get; set; }

    /// <summary>Bytes cut off the end of each partition's fetched records: a partial batch, as a size-limited fetch ends.</summary>
    public int FetchTruncateBytes { get; set; }

    /// <summary>While set and not completed, Produce requests wait for it before being answered (they still arrive
    /// and count as pending): lets a test hold a producer's requests in flight.</summary>
    public TaskCompletionSource? ProduceGate { get; set; }

    /// <summary>When set and true for a Produce request, the broker appends it and then closes the connection without
    /// answering: the acknowledgement is lost, as when a broker dies right after writing.</summary>
    public Func<bool>? LoseProduceAcknowledgement { get; set; }

    /// <summary>Produce requests received and not yet answered (pipelined by the client), now and at most so far.</summary>
    public int ProduceRequestsPending => Volatile.Read(ref _producePending);

    public int ProduceRequestsPendingMax => Volatile.Read(ref _producePendingMax);

    /// <summary>Producer ids handed out by InitProducerId.</summary>
    public int ProducerIdsIssued => Volatile.Read(ref _producerIdsIssued);

    public int RequestCount(ApiKey api) => _requestCounts.GetValueOrDefault(api);

    public void ProduceReceived()
    {
        var pending = Interlocked.Increment(ref _producePending);
        int max;
        while (pending > (max = Volatile.Read(ref _producePendingMax)) && Interlocked.CompareExchange(ref _producePendingMax, pending, max) != max)
        {
        }
    }

    public void ProduceAnswered() => Interlocked.Decrement(ref _producePending);

    /// <summary>The next producer id (ids start at 1000, as if other producers came before).</summary>
    public long NextProducerId() => 1000 + Interlocked.Increment(ref _producerIdsIssued) - 1;

    public void CountRequest(ApiKey api) => _requestCounts.AddOrUpdate(api, 1, (_, n) => n + 1);

    public void CreateTopic(string name, int partitions, int leader = 0)
    {
        lock (Lock)
        {
            Topics[name] = [.. Enumerable.Range(0, partitions).Select(_ => new FakePartitionLog { Leader = leader })];
            Configs[name] = new Dictionary<string, string?> { ["retention.ms"] = "604800000" };
        }
    }

    public FakePartitionLog Log(string topic, int partition)
    {
        lock (Lock)
        {
            return Topics[topic][partition];
        }
    }

    public void SetLeader(string topic, int partition, int nodeId) => Log(topic, partition).Leader = nodeId;

    /// <summary>Reassigns the partition to <paramref name="nodeId"/> alone, as its leader: the other brokers no longer
    /// host it. The log moves with it (the fake's logs are shared).</summary>
    public void MovePartition(string topic, int partition, int nodeId)
    {
        lock (Lock)
        {
            var log = Topics[topic][partition];
            log.Replicas = [nodeId];
            log.Leader = nodeId;
        }
    }

    /// <summary>The next Produce requests for the partition fail with these errors, one per request.</summary>
    public void InjectProduceErrors(string topic, int partition, params ErrorCode[] errors)
    {
        var queue = _produceErrors.GetOrAdd((topic, partition), _ => new ConcurrentQueue<ErrorCode>());
        foreach (var error in errors)
        {
            queue.Enqueue(error);
        }
    }

    public ErrorCode TakeInjectedProduceError(string topic, int partition) =>
        _produceErrors.TryGetValue((topic, partition), out var queue) && queue.TryDequeue(out var error) ? error : ErrorCode.None;

    public void NotifyAppended()
    {
        var appended = Interlocked.Exchange(ref _appended, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        appended.TrySetResult();
    }

    public Task WhenAppended => Volatile.Read(ref _appended).Task;

    /// <summary>Closes every open client connection on every broker.</summary>
    public void DropAllConnections()
    {
        foreach (var broker in Brokers)
        {
            broker.DropConnections();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var broker in Brokers)
        {
            await broker.DisposeAsync();
        }
    }
}
