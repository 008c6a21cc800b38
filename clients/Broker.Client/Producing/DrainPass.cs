using Broker.Client.Network;

namespace Broker.Client.Producing;

/// <summary>
/// What one pass of the sender over the accumulator found: requests to send per leader, batches whose delivery
/// timeout passed while they waited, whether some partition has no known leader, and when to look again.
/// Reused from pass to pass so the sender does not allocate its bookkeeping per request.
/// </summary>
internal sealed class DrainPass
{
    public Dictionary<BrokerEndpoint, List<DrainedPartition>> ByLeader { get; } = [];

    public Dictionary<BrokerEndpoint, int> RequestBytes { get; } = [];

    public List<ProducerBatch> Expired { get; } = [];

    public bool UnknownLeader { get; set; }

    /// <summary>Time until the earliest lingering batch is due; <see cref="Timeout.InfiniteTimeSpan"/> when none lingers.</summary>
    public TimeSpan NextDue { get; set; }

    public void Clear()
    {
        ByLeader.Clear();
        RequestBytes.Clear();
        Expired.Clear();
        UnknownLeader = false;
        NextDue = Timeout.InfiniteTimeSpan;
    }

    public void Due(TimeSpan after)
    {
        if (NextDue == Timeout.InfiniteTimeSpan || after < NextDue)
        {
            NextDue = after < TimeSpan.Zero ? TimeSpan.Zero : after;
        }
    }
}
