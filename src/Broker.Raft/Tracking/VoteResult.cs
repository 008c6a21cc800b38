namespace Broker.Raft.Tracking;

internal enum VoteResult
{
    Pending,
    Won,
    Lost,
}
