using Broker.Client.Network;
using Broker.Core;

namespace Broker.Client.Consuming;

/// <summary>
/// The partitions a consumer reads and where it stands in each, plus the fetcher's per-broker bookkeeping. Shared by
/// the application thread (assign, seek, consume) and the fetcher loop; every access holds <see cref="Lock"/>, and
/// only for a few field reads and writes.
/// </summary>
/// <remarks>
/// Partitions arrive through <see cref="Assign"/> (the application's choice) or, for a group member, through
/// <see cref="AddLocked"/> and <see cref="RemoveLocked"/> as the group's assignment changes; the group's membership
/// state shares <see cref="Lock"/>, so the partitions read here are always the ones the member reports owning. With
/// <c>startFromCommitted</c> (the consumer has a group id) a new partition first looks up the group's committed
/// offset, and only without one starts where the default reset says.
/// </remarks>
internal sealed class SubscriptionState(AutoOffsetReset defaultReset, bool startFromCommitted = false)
{
    private readonly Dictionary<TopicPartition, PartitionFetchState> _partitions = [];
    private readonly Dictionary<BrokerEndpoint, int> _bufferedByNode = [];
    private readonly HashSet<BrokerEndpoint> _nodesInFlight = [];

    public Lock Lock { get; } = new();

    public AutoOffsetReset DefaultReset { get; } = defaultReset;

    /// <summary>Replaces the assignment; partitions kept keep their positions, new ones start with the default reset.</summary>
    public void Assign(IEnumerable<TopicPartition> partitions)
    {
        var wanted = partitions.ToHashSet();
        lock (Lock)
        {
            foreach (var gone in _partitions.Keys.Where(p => !wanted.Contains(p)).ToList())
            {
                _partitions.Remove(gone);
            }

            AddLocked(wanted);
        }
    }

    /// <summary>Adds partitions not assigned yet, without a position. Call with <see cref="Lock"/> held.</summary>
    public void AddLocked(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            if (!_partitions.ContainsKey(partition))
            {
                _partitions[partition] = new PartitionFetchState(partition)
                {
                    PendingReset = startFromCommitted ? null : DefaultReset,
                    NeedsCommittedOffset = startFromCommitted,
                };
            }
        }
    }

    /// <summary>Drops partitions; their buffered records are discarded as the application reaches them. Call with <see cref="Lock"/> held.</summary>
    public void RemoveLocked(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            _partitions.Remove(partition);
        }
    }

    /// <summary>The assigned partitions. Call with <see cref="Lock"/> held.</summary>
    public IReadOnlyCollection<TopicPartition> AssignmentLocked => _partitions.Keys;

    public IReadOnlyList<TopicPartition> Assignment()
    {
        lock (Lock)
        {
            return [.. _partitions.Keys];
        }
    }

    /// <summary>The state of an assigned partition; null when it is not assigned (any more). Call with <see cref="Lock"/> held.</summary>
    public PartitionFetchState? Find(TopicPartition partition) => _partitions.GetValueOrDefault(partition);

    /// <summary>Call with <see cref="Lock"/> held.</summary>
    public PartitionFetchState Get(TopicPartition partition) =>
        _partitions.GetValueOrDefault(partition)
        ?? throw new InvalidOperationException($"{partition} is not assigned to this consumer; call Assign first.");

    /// <summary>Every assigned partition's state. Call with <see cref="Lock"/> held.</summary>
    public IEnumerable<PartitionFetchState> All => _partitions.Values;

    /// <summary>Completed fetches from <paramref name="node"/> not yet fully consumed. Call with <see cref="Lock"/> held.</summary>
    public int BufferedFrom(BrokerEndpoint node) => _bufferedByNode.GetValueOrDefault(node);

    /// <summary>Completed fetches from every broker not yet fully consumed. Call with <see cref="Lock"/> held.</summary>
    public int BufferedTotal => _bufferedByNode.Values.Sum();

    public void AddBuffered(BrokerEndpoint node, int delta) => _bufferedByNode[node] = BufferedFrom(node) + delta;

    public bool IsFetching(BrokerEndpoint node) => _nodesInFlight.Contains(node);

    public void SetFetching(BrokerEndpoint node, bool fetching)
    {
        if (fetching)
        {
            _nodesInFlight.Add(node);
        }
        else
        {
            _nodesInFlight.Remove(node);
        }
    }
}
