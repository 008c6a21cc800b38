namespace Broker.Client.Producing;

/// <summary>The id and starting epoch a broker gave this producer (InitProducerId): stamped on every batch.</summary>
internal sealed record ProducerIdentity(long ProducerId, short Epoch);
