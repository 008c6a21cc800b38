using Broker.Raft.Tracking;

namespace Broker.Raft;

/// <summary>The leader's view of one member, as reported in <see cref="RaftStatus"/>.</summary>
public readonly record struct FollowerStatus(long Match, long Next, ProgressState State, bool IsObserver);
