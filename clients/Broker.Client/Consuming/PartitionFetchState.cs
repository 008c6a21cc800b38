using Broker.Core;

namespace Broker.Client.Consuming;

/// <summary>
/// One assigned partition's consumption state, guarded by <see cref="SubscriptionState.Lock"/>. Two offsets:
/// <see cref="Position"/>, the next record the application gets, and <see cref="FetchPosition"/>, the next offset
/// to fetch, which runs ahead by what is buffered (fetch-ahead). <see cref="Epoch"/> changes on every seek or reset,
/// and data fetched under an older epoch is discarded.
/// </summary>
internal sealed class PartitionFetchState(TopicPartition partition)
{
    public const long Unknown = -1;

    public TopicPartition Partition { get; } = partition;

    public long Position { get; set; } = Unknown;

    public long FetchPosition { get; set; } = Unknown;

    public int Epoch { get; set; }

    /// <summary>Set while the position must be looked up with ListOffsets.</summary>
    public AutoOffsetReset? PendingReset { get; set; }

    public bool Resetting { get; set; }

    public bool FetchInFlight { get; set; }

    public long HighWatermark { get; set; } = Unknown;

    /// <summary>TimeProvider timestamp before which the partition is not fetched again (after an error).</summary>
    public long BackoffUntil { get; set; }

    public void SeekTo(long offset)
    {
        Position = offset;
        FetchPosition = offset;
        PendingReset = null;
        Epoch++;
    }
}
