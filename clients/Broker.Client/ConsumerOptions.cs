using Broker.Protocol.Messages.Fetch;

namespace Broker.Client;

/// <summary>How a <see cref="Consumer"/> fetches. Defaults are Kafka's Java consumer's.</summary>
public sealed class ConsumerOptions : ClientOptions
{
    /// <summary>Where to start without a position, or after OFFSET_OUT_OF_RANGE (Latest).</summary>
    public AutoOffsetReset AutoOffsetReset { get; set; } = AutoOffsetReset.Latest;

    /// <summary>The broker answers a fetch once this many bytes are available (1: as soon as there is anything).</summary>
    public int FetchMinBytes { get; set; } = 1;

    /// <summary>The longest a fetch waits on the broker for <see cref="FetchMinBytes"/> (500 ms).</summary>
    public TimeSpan FetchMaxWait { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Cap on one partition's records in a fetch response, in bytes (1 MiB). A larger first batch still comes whole.</summary>
    public int MaxPartitionFetchBytes { get; set; } = 1024 * 1024;

    /// <summary>Cap on a whole fetch response's records, in bytes (50 MiB).</summary>
    public int FetchMaxBytes { get; set; } = 50 * 1024 * 1024;

    /// <summary>Verify each fetched batch's CRC-32C before handing out its records (true, Kafka's check.crcs).</summary>
    public bool CheckCrcs { get; set; } = true;

    /// <summary>ReadUncommitted (default) or ReadCommitted; equal without transactions.</summary>
    public IsolationLevel IsolationLevel { get; set; } = IsolationLevel.ReadUncommitted;

    public override void Validate()
    {
        base.Validate();
        if (!Enum.IsDefined(AutoOffsetReset))
        {
            throw new ArgumentException($"{nameof(AutoOffsetReset)} {AutoOffsetReset} is not Latest, Earliest or None.");
        }

        if (FetchMinBytes < 0)
        {
            throw new ArgumentException($"{nameof(FetchMinBytes)} must not be negative; it is {FetchMinBytes}.");
        }

        RequireNonNegative(FetchMaxWait, nameof(FetchMaxWait));
        if (MaxPartitionFetchBytes < 1 || FetchMaxBytes < 1)
        {
            throw new ArgumentException($"{nameof(MaxPartitionFetchBytes)} and {nameof(FetchMaxBytes)} must be positive.");
        }

        // The response frame carries the records plus per-partition fields: leave 1 MiB of room for those.
        if ((long)FetchMaxBytes + (1024 * 1024) > ResponseFrameBytesMax)
        {
            throw new ArgumentException(
                $"{nameof(ResponseFrameBytesMax)} ({ResponseFrameBytesMax}) must exceed {nameof(FetchMaxBytes)} ({FetchMaxBytes}) by at least 1 MiB, or full fetches would break the connection.");
        }
    }
}
