namespace Broker.Cli.Perf;

/// <summary>
/// Producer settings of the perf commands where they differ from the client's defaults, and why. Measured on the
/// 2-core build machine against one broker (docs/cli.md has the numbers).
/// </summary>
internal static class PerfDefaults
{
    /// <summary>Bigger batches than the client's 16 KiB: one request per 64 records of 1 KiB instead of 16 amortises the
    /// per-request cost that bounds throughput on two cores.</summary>
    public const int BatchSizeBytes = 64 * 1024;

    /// <summary>Kafka 4's producer default.</summary>
    public const int LingerMs = 5;

    /// <summary>Room for several full batches per request (the client's default is 1 MiB).</summary>
    public const int MaxRequestBytes = 4 * 1024 * 1024;

    /// <summary>64 MiB of buffered records: enough to keep the pipe full at 1 GB/s with 50 ms round trips.</summary>
    public const long BufferMemoryBytes = 64L * 1024 * 1024;

    /// <summary>Bytes fetched per partition per request by perf consume: Kafka's 1 MiB default.</summary>
    public const int FetchSizeBytes = 1024 * 1024;

    /// <summary>perf e2e's rate when --rate is not given: a steady load well under saturation, where latency is
    /// what the path costs rather than how long a queue has grown.</summary>
    public const double EndToEndRate = 10_000;
}
