using Broker.Core;

namespace Broker.Client.Consuming;

/// <summary>
/// One assigned partition's consumption state, guarded by <see cref="SubscriptionState.Lock"/>. Two offsets:
/// <see cref="Position"/>, the next record the application gets, and <see cref="FetchPosition"/>, the next offset
/// to fetch, which runs ahead by what is buffered (fetch-ahead). <see cref="Epoch"/> changes on every seek or reset,
/// and data fetched under an older epoch is discarded.
/// </summary>
/// <remarks>
/// Epochs come from one counter for every state of every consumer, so a partition dropped and assigned again (a group
/// handing it back) never matches data fetched for its earlier state.
/// </remarks>
internal sealed class PartitionFetchState(TopicPartition partition)
{
    public const long Unknown = -1;

    private static int s_lastEpoch;

    public TopicPartition Partition { get; } = partition;

    public long Position { get; set; } = Unknown;

    public long FetchPosition { get; set; } = Unknown;

    public int Epoch { get; private set; } = NextEpoch();

    /// <summary>Set while the position must be looked up with ListOffsets.</summary>
    public AutoOffsetReset? PendingReset { get; set; }

    /// <summary>Set while the position must be looked up as the group's committed offset (OffsetFetch), before any reset.</summary>
    public bool NeedsCommittedOffset { get; set; }

    /// <summary>True while a ListOffsets or OffsetFetch lookup of the position is in flight.</summary>
    public bool Resetting { get; set; }

    /// <summary>The group is taking the partition away: it is not fetched while its position is committed and handed over.</summary>
    public bool Revoking { get; set; }

    public bool FetchInFlight { get; set; }

    public long HighWatermark { get; set; } = Unknown;

    /// <summary>TimeProvider timestamp before which the partition is not fetched again (after an error).</summary>
    public long BackoffUntil { get; set; }

    public void SeekTo(long offset)
    {
        Position = offset;
        FetchPosition = offset;
        PendingReset = null;
        NeedsCommittedOffset = false;
        Epoch = NextEpoch();
    }

    private static int NextEpoch() => Interlocked.Increment(ref s_lastEpoch);
}
