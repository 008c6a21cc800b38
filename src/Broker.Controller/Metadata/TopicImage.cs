using System.Collections.Immutable;

namespace Broker.Controller.Metadata;

/// <summary>A topic and its partitions, indexed 0..N-1 (partitions are only ever added, never removed).</summary>
public sealed record TopicImage(string Name, Guid TopicId, ImmutableArray<PartitionRegistration> Partitions);
