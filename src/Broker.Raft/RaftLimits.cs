namespace Broker.Raft;

/// <summary>
/// Every default limit of the Raft core, with its unit in its name. Their relations are asserted by
/// <c>RaftLimitsTests</c>: change a number here and the test says which relation it broke.
/// </summary>
public static class RaftLimits
{
    /// <summary>Ticks without hearing from a leader before a follower campaigns. The timeout actually used is
    /// drawn from [ElectionTicks, 2 x ElectionTicks) per term, so that split votes resolve (Raft section 5.2).</summary>
    public const int ElectionTicksDefault = 10;

    /// <summary>Ticks between leader heartbeats; well under the election timeout so that one or two lost
    /// heartbeats do not trigger an election.</summary>
    public const int HeartbeatTicksDefault = 1;

    /// <summary>Bytes of entries in one append. 1 MiB keeps a catching-up follower's messages within a frame
    /// and still amortises the round trip.</summary>
    public const long AppendBytesMaxDefault = 1L << 20;

    /// <summary>Appends in flight to one follower in the Replicate state. 256 x 1 MiB bounds a slow follower's
    /// backlog at 256 MiB on the leader.</summary>
    public const int InflightAppendsMaxDefault = 256;

    /// <summary>Bytes of committed entries handed to the application in one Ready, so one Ready stays bounded.</summary>
    public const long ApplyBytesMaxDefault = 64L << 20;

    /// <summary>Bytes of the largest single entry the durable log accepts; also bounds a torn-tail scan.</summary>
    public const int EntryBytesMax = 16 << 20;

    /// <summary>Bytes after which the durable log rolls to a new segment file.</summary>
    public const long SegmentBytesDefault = 64L << 20;
}
