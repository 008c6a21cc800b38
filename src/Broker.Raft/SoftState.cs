namespace Broker.Raft;

/// <summary>Volatile state the application may want to observe; never persisted.</summary>
public readonly record struct SoftState(int Leader, Role Role);
