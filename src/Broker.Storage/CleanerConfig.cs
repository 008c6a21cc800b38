using Broker.Core.Errors;

namespace Broker.Storage;

/// <summary>
/// Broker-wide settings of the log cleaner (Kafka's log.cleaner.* keys), as opposed to the per-topic
/// <see cref="LogConfig"/>. Immutable; <see cref="Validate"/> states the limits.
/// </summary>
public sealed record CleanerConfig
{
    /// <summary>Kafka's log.cleaner.dedupe.buffer.size. The map grows on demand, so a small log uses little of it.</summary>
    public const int OffsetMapBytesMaxDefault = 128 << 20;

    /// <summary>Room for a few keys: small enough for tests to fill, large enough to hold one small batch.</summary>
    public const int OffsetMapBytesMin = 1024;

    /// <summary>Arrays index with int32: the map's arrays stay below 1 GiB each.</summary>
    public const int OffsetMapBytesMaxLimit = 1 << 30;

    /// <summary>Dirty bytes one maintenance pass maps: at a disk's 200 MB/s about a second of reading, so one
    /// compaction never holds up the flushes and retention of the other partitions for long.</summary>
    public const long DirtyBytesPerPassMaxDefault = 256L << 20;

    public static CleanerConfig Default { get; } = new();

    /// <summary>log.cleaner.enable: whether <see cref="LogManager.RunMaintenance"/> compacts logs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Upper bound of the key -> offset map's memory (keys, offsets and hash slots). A dirty section with
    /// more keys is cleaned in prefixes: one pass maps what fits and the next continues from there.</summary>
    public int OffsetMapBytesMax { get; init; } = OffsetMapBytesMaxDefault;

    /// <summary>Dirty bytes mapped per pass at most (the map may stop earlier when full).</summary>
    public long DirtyBytesPerPassMax { get; init; } = DirtyBytesPerPassMaxDefault;

    public CleanerConfig Validate()
    {
        if (OffsetMapBytesMax is < OffsetMapBytesMin or > OffsetMapBytesMaxLimit)
        {
            throw new BrokerException(ErrorCode.InvalidConfig, $"OffsetMapBytesMax {OffsetMapBytesMax} is not between {OffsetMapBytesMin} and {OffsetMapBytesMaxLimit}.");
        }

        if (DirtyBytesPerPassMax <= 0)
        {
            throw new BrokerException(ErrorCode.InvalidConfig, $"DirtyBytesPerPassMax {DirtyBytesPerPassMax} must be positive.");
        }

        return this;
    }
}
