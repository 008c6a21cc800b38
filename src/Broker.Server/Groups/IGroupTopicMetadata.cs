namespace Broker.Server.Groups;

/// <summary>
/// The coordinator's view of the cluster metadata: how many partitions a topic has now. The server implements it
/// over the current metadata image; tests implement it with a dictionary. Read on every heartbeat, so a topic that
/// grows is noticed at the next heartbeat of any member of a subscribed group.
/// </summary>
public interface IGroupTopicMetadata
{
    /// <summary>The topic's partition count, or null if the topic does not exist.</summary>
    int? PartitionCount(string topic);
}
