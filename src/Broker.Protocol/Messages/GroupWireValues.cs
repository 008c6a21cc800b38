namespace Broker.Protocol.Messages;

/// <summary>
/// The strings the group APIs carry, in one place so coordinator, clients and CLI agree. Kafka's spellings, so a
/// Kafka operator reads them unchanged.
/// </summary>
public static class GroupWireValues
{
    /// <summary>ListGroups protocol_type of every group this broker keeps.</summary>
    public const string ConsumerProtocolType = "consumer";

    /// <summary>ListGroups group_type of a group run by ConsumerGroupHeartbeat (server-side assignment).</summary>
    public const string ConsumerGroupType = "consumer";

    /// <summary>ConsumerGroupHeartbeat server_assignor: partitions spread evenly over members, whatever the topic.</summary>
    public const string UniformAssignor = "uniform";

    /// <summary>ConsumerGroupHeartbeat server_assignor: per topic, consecutive partition ranges (co-partitioned joins).</summary>
    public const string RangeAssignor = "range";

    /// <summary>Group state: no members; committed offsets are kept.</summary>
    public const string EmptyState = "Empty";

    /// <summary>Group state: the group epoch moved (a member or subscription changed) and the assignor has not run.</summary>
    public const string AssigningState = "Assigning";

    /// <summary>Group state: a target assignment exists and members are still releasing or taking partitions.</summary>
    public const string ReconcilingState = "Reconciling";

    /// <summary>Group state: every member owns exactly its target assignment.</summary>
    public const string StableState = "Stable";

    /// <summary>Group state: the group is being deleted or its coordinator moved away.</summary>
    public const string DeadState = "Dead";
}
