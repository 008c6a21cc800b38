namespace Broker.Client;

/// <summary>
/// A committed offset, in Kafka's convention: <see cref="Offset"/> is the next record to consume, one past the last
/// one processed. <see cref="Metadata"/> is free text stored with it (up to the broker's offset.metadata.max.bytes).
/// </summary>
public sealed record OffsetAndMetadata(long Offset, string? Metadata = null);
