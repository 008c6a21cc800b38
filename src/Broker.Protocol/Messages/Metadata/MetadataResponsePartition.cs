using Broker.Core.Errors;

namespace Broker.Protocol.Messages.Metadata;

/// <summary>
/// One partition in a Metadata response: error_code int16 | partition_index int32 | leader_id int32 |
/// leader_epoch int32 | replica_nodes [int32] | isr_nodes [int32] | offline_replicas [int32].
/// </summary>
public sealed class MetadataResponsePartition
{
    internal const int EncodedBytesMin = 2 + 4 + 4 + 4 + 4 + 4 + 4;

    public ErrorCode ErrorCode { get; init; }

    public int PartitionIndex { get; init; }

    /// <summary>The leader's node id; <see cref="ProtocolSentinels.NoNodeId"/> when the partition has none.</summary>
    public int LeaderId { get; init; } = ProtocolSentinels.NoNodeId;

    public int LeaderEpoch { get; init; } = ProtocolSentinels.NoLeaderEpoch;

    /// <summary>Every assigned replica, preferred leader first.</summary>
    public IReadOnlyList<int> ReplicaNodes { get; init; } = [];

    /// <summary>The in-sync replicas (ISR): those caught up with the leader.</summary>
    public IReadOnlyList<int> IsrNodes { get; init; } = [];

    /// <summary>Assigned replicas whose broker or log directory is down.</summary>
    public IReadOnlyList<int> OfflineReplicas { get; init; } = [];

    internal static MetadataResponsePartition Read(ref ProtocolReader reader, short version) => new()
    {
        ErrorCode = (ErrorCode)reader.ReadInt16(),
        PartitionIndex = reader.ReadInt32(),
        LeaderId = reader.ReadInt32(),
        LeaderEpoch = reader.ReadInt32(),
        ReplicaNodes = reader.ReadInt32Array(),
        IsrNodes = reader.ReadInt32Array(),
        OfflineReplicas = reader.ReadInt32Array(),
    };

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteInt16((short)ErrorCode);
        writer.WriteInt32(PartitionIndex);
        writer.WriteInt32(LeaderId);
        writer.WriteInt32(LeaderEpoch);
        writer.WriteInt32Array(ReplicaNodes);
        writer.WriteInt32Array(IsrNodes);
        writer.WriteInt32Array(OfflineReplicas);
    }
}
