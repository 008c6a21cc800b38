namespace Broker.Raft;

/// <summary>
/// Answer to a ReadIndex request: once the local state machine has applied <see cref="Index"/>, a read
/// tagged <see cref="RequestContext"/> sees every write committed before the request was made.
/// </summary>
public readonly record struct ReadState(long Index, long RequestContext);
