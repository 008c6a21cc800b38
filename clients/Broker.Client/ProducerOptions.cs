using Broker.Core.Compression;
using Broker.Core.Records;
using Broker.Protocol.Messages.Produce;

namespace Broker.Client;

/// <summary>
/// How a <see cref="Producer"/> batches, compresses, acknowledges and retries. Defaults follow Kafka 4's Java
/// producer (acks=all, linger 5 ms, 16 KiB batches, 32 MiB of buffer, 120 s delivery timeout).
/// </summary>
public sealed class ProducerOptions : ClientOptions
{
    private bool? _enableIdempotence;

    /// <summary>Replicas that must have a batch before it counts as delivered: All (-1, default), Leader (1) or None (0).</summary>
    public ProduceAcks Acks { get; set; } = ProduceAcks.All;

    /// <summary>Upper bound on one partition batch's records, uncompressed, in bytes (16 KiB). A larger record gets a batch of its own.</summary>
    public int BatchSize { get; set; } = 16 * 1024;

    /// <summary>How long a batch that is not full may wait for more records before it is sent (5 ms). Zero sends at once.</summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Bytes of records buffered and not yet acknowledged before Produce waits (32 MiB): the backpressure bound.</summary>
    public long BufferMemory { get; set; } = 32L * 1024 * 1024;

    /// <summary>How long Produce and ProduceAsync may wait for buffer memory or for a topic's metadata before failing (60 s).</summary>
    public TimeSpan MaxBlock { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Codec for batches: None (default), Gzip, Lz4 or Zstd. Snappy is not supported.</summary>
    public CompressionType Compression { get; set; } = CompressionType.None;

    /// <summary>Time from Produce until a record's outcome is reported, retries included (120 s). After it, the record fails with REQUEST_TIMED_OUT.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Retries of a batch after a retriable error (unbounded; <see cref="DeliveryTimeout"/> is the real limit). Zero disables retries.</summary>
    public int Retries { get; set; } = int.MaxValue;

    /// <summary>Largest produce request, in bytes (1 MiB). A record that cannot fit one fails with MESSAGE_TOO_LARGE.</summary>
    public int MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>How long DisposeAsync waits for buffered records to be delivered before failing them (30 s).</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Kafka's enable.idempotence (default true): the producer gets a producer id and numbers each partition's records,
    /// so the broker stores a retried batch once and in order (exactly once per partition, within one producer's life).
    /// Requires <see cref="Acks"/> All, <see cref="Retries"/> above 0 and at most 5
    /// <see cref="MaxInFlightRequestsPerPartition"/>. Left unset, it turns itself off when those settings say
    /// otherwise (acks 0 or 1, say); set to true against them, <see cref="Validate"/> refuses the options.
    /// </summary>
    public bool EnableIdempotence
    {
        get => _enableIdempotence ?? true;
        set => _enableIdempotence = value;
    }

    /// <summary>
    /// Produce requests one partition may have in flight (5; at most 5 with idempotence, Kafka's
    /// max.in.flight.requests.per.connection applied per partition). With idempotence the broker keeps them in order
    /// even across retries; without it a retried request can land after a later one (as in Kafka), unless this is 1.
    /// </summary>
    public int MaxInFlightRequestsPerPartition { get; set; } = IdempotenceLimits.InFlightRequestsPerPartitionMax;

    /// <summary>Whether the producer is idempotent with these settings: as set, or when left unset, whether the other
    /// settings allow it (Kafka's rule).</summary>
    internal bool IsIdempotent => _enableIdempotence ?? IdempotenceAllowed(out _);

    public override void Validate()
    {
        base.Validate();
        if (!Enum.IsDefined(Acks))
        {
            throw new ArgumentException($"{nameof(Acks)} must be All (-1), None (0) or Leader (1); it is {(short)Acks}.");
        }

        if (BatchSize < 1 || BatchSize > MaxRequestBytes)
        {
            throw new ArgumentException($"{nameof(BatchSize)} must be between 1 and {nameof(MaxRequestBytes)} ({MaxRequestBytes}); it is {BatchSize}.");
        }

        if (BufferMemory < MaxRequestBytes)
        {
            throw new ArgumentException($"{nameof(BufferMemory)} ({BufferMemory}) must hold at least one request ({nameof(MaxRequestBytes)} {MaxRequestBytes}).");
        }

        RequireNonNegative(Linger, nameof(Linger));
        RequireNonNegative(MaxBlock, nameof(MaxBlock));
        RequireNonNegative(CloseTimeout, nameof(CloseTimeout));
        if (Compression is not (CompressionType.None or CompressionType.Gzip or CompressionType.Lz4 or CompressionType.Zstd))
        {
            throw new ArgumentException($"{nameof(Compression)} {Compression} is not supported; use None, Gzip, Lz4 or Zstd.");
        }

        // Kafka's rule: a batch must be able to linger and then wait out one request before its delivery times out.
        if (DeliveryTimeout < Linger + RequestTimeout)
        {
            throw new ArgumentException($"{nameof(DeliveryTimeout)} ({DeliveryTimeout}) must be at least {nameof(Linger)} + {nameof(RequestTimeout)} ({Linger + RequestTimeout}).");
        }

        if (Retries < 0)
        {
            throw new ArgumentException($"{nameof(Retries)} must not be negative; it is {Retries}.");
        }

        if (MaxRequestBytes < 1024)
        {
            throw new ArgumentException($"{nameof(MaxRequestBytes)} must be at least 1024; it is {MaxRequestBytes}.");
        }

        if (MaxInFlightRequestsPerPartition < 1)
        {
            throw new ArgumentException($"{nameof(MaxInFlightRequestsPerPartition)} must be at least 1; it is {MaxInFlightRequestsPerPartition}.");
        }

        if (_enableIdempotence == true && !IdempotenceAllowed(out var conflict))
        {
            throw new ArgumentException($"{nameof(EnableIdempotence)} is set to true, but {conflict}. Change that setting, or set {nameof(EnableIdempotence)} to false.");
        }
    }

    private bool IdempotenceAllowed(out string conflict)
    {
        conflict = Acks != ProduceAcks.All
            ? $"{nameof(Acks)} is {Acks}; idempotence needs {nameof(Acks)} = All"
            : Retries == 0
                ? $"{nameof(Retries)} is 0; idempotence needs retries"
                : MaxInFlightRequestsPerPartition > IdempotenceLimits.InFlightRequestsPerPartitionMax
                    ? $"{nameof(MaxInFlightRequestsPerPartition)} is {MaxInFlightRequestsPerPartition}; idempotence allows at most {IdempotenceLimits.InFlightRequestsPerPartitionMax}"
                    : string.Empty;
        return conflict.Length == 0;
    }
}
