namespace Broker.Raft;

/// <summary>
/// Node identifiers are positive ints, as KRaft's node ids are. Zero is reserved to mean "nobody"
/// (no vote cast, no leader known), so a default-initialised field reads as absent.
/// </summary>
public static class NodeId
{
    public const int None = 0;
}
