namespace Broker.Client.Producing;

/// <summary>A partition's batches taken for one produce request, oldest first, and their total size on the wire.</summary>
internal sealed record DrainedPartition(PartitionQueue Queue, ProducerBatch[] Batches, int Bytes);
