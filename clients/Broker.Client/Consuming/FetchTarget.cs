namespace Broker.Client.Consuming;

/// <summary>A partition in one Fetch or ListOffsets request, with the epoch and offset it was sent with.</summary>
internal readonly record struct FetchTarget(PartitionFetchState State, int Epoch, long Offset, AutoOffsetReset Reset = AutoOffsetReset.Latest);
