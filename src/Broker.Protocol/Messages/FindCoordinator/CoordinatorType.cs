namespace Broker.Protocol.Messages.FindCoordinator;

/// <summary>FindCoordinator key_type, int8 on the wire. Kafka's numbers; transactions (1) are not served yet.</summary>
public enum CoordinatorType : sbyte
{
    /// <summary>The key is a consumer group id.</summary>
    Group = 0,
}
