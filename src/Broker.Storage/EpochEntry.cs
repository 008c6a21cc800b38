namespace Broker.Storage;

/// <summary>One line of the leader epoch cache: the first offset written under <paramref name="Epoch"/>.</summary>
public readonly record struct EpochEntry(int Epoch, long StartOffset);
