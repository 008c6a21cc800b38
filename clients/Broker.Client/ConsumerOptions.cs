using Broker.Protocol.Messages.Fetch;

namespace Broker.Client;

/// <summary>How a <see cref="Consumer"/> fetches and, with a <see cref="GroupId"/>, takes part in a consumer group.
/// Defaults are Kafka's Java consumer's.</summary>
public sealed class ConsumerOptions : ClientOptions
{
    /// <summary>Where to start without a position, or after OFFSET_OUT_OF_RANGE (Latest).</summary>
    public AutoOffsetReset AutoOffsetReset { get; set; } = AutoOffsetReset.Latest;

    /// <summary>The broker answers a fetch once this many bytes are available (1: as soon as there is anything).</summary>
    public int FetchMinBytes { get; set; } = 1;

    /// <summary>The longest a fetch waits on the broker for <see cref="FetchMinBytes"/> (500 ms).</summary>
    public TimeSpan FetchMaxWait { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the fetch loop sleeps when nothing wakes it (1 s): a safety net only, every change that
    /// needs a fetch wakes it. Tests set it to infinite to prove a path wakes it on its own.</summary>
    internal TimeSpan FetcherIdleWakeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap on one partition's records in a fetch response, in bytes (1 MiB). A larger first batch still comes whole.</summary>
    public int MaxPartitionFetchBytes { get; set; } = 1024 * 1024;

    /// <summary>Cap on a whole fetch response's records, in bytes (50 MiB).</summary>
    public int FetchMaxBytes { get; set; } = 50 * 1024 * 1024;

    /// <summary>Verify each fetched batch's CRC-32C before handing out its records (true, Kafka's check.crcs).</summary>
    public bool CheckCrcs { get; set; } = true;

    /// <summary>ReadUncommitted (default) or ReadCommitted; equal without transactions.</summary>
    public IsolationLevel IsolationLevel { get; set; } = IsolationLevel.ReadUncommitted;

    /// <summary>
    /// The consumer group (Kafka's group.id). Needed for <see cref="Consumer.Subscribe"/> and for committed offsets;
    /// with it, partitions given to <see cref="Consumer.Assign"/> also start from their committed offsets. Null: none.
    /// </summary>
    public string? GroupId { get; set; }

    /// <summary>
    /// Makes the member static (Kafka's group.instance.id): on close it leaves with epoch -2, and the coordinator keeps
    /// its partitions for the session timeout so a restart with the same id gets them back without a rebalance. Two
    /// running consumers must not share one. Null: a dynamic member.
    /// </summary>
    public string? GroupInstanceId { get; set; }

    /// <summary>Commit the positions of owned partitions every <see cref="AutoCommitInterval"/>, before giving partitions up, and on close (true).</summary>
    public bool EnableAutoCommit { get; set; } = true;

    /// <summary>How often auto-commit runs (5 s, Kafka's auto.commit.interval.ms).</summary>
    public TimeSpan AutoCommitInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the application may take between consume calls while the coordinator waits for it to give up
    /// partitions (300 s, Kafka's max.poll.interval.ms); sent as the member's rebalance timeout. A member that takes
    /// longer is fenced and loses its partitions.
    /// </summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The server assignor to ask for, <c>uniform</c> or <c>range</c> (Kafka's group.remote.assignor); null: the broker's default.</summary>
    public string? GroupRemoteAssignor { get; set; }

    /// <summary>How long CommitAsync and CommittedAsync keep retrying coordinator errors (60 s, Kafka's default.api.timeout.ms).</summary>
    public TimeSpan DefaultApiTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long disposing may take to commit and leave the group (30 s).</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public override void Validate()
    {
        base.Validate();
        ValidateGroup();
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

    private void ValidateGroup()
    {
        if (GroupId is not null && string.IsNullOrWhiteSpace(GroupId))
        {
            throw new ArgumentException($"{nameof(GroupId)} must not be empty; leave it null for a consumer without a group.");
        }

        if (GroupInstanceId is not null && (GroupId is null || string.IsNullOrWhiteSpace(GroupInstanceId)))
        {
            throw new ArgumentException($"{nameof(GroupInstanceId)} must be a non-empty name, and needs a {nameof(GroupId)}.");
        }

        if (GroupRemoteAssignor is not null && string.IsNullOrWhiteSpace(GroupRemoteAssignor))
        {
            throw new ArgumentException($"{nameof(GroupRemoteAssignor)} must be an assignor name (uniform, range) or null for the broker's default.");
        }

        RequirePositive(AutoCommitInterval, nameof(AutoCommitInterval));
        RequirePositive(DefaultApiTimeout, nameof(DefaultApiTimeout));
        RequirePositive(CloseTimeout, nameof(CloseTimeout));
        RequirePositive(MaxPollInterval, nameof(MaxPollInterval));
        if (MaxPollInterval.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentException($"{nameof(MaxPollInterval)} ({MaxPollInterval}) does not fit the protocol's int32 milliseconds.");
        }
    }
}
