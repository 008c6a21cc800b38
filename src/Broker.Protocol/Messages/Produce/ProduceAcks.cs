namespace Broker.Protocol.Messages.Produce;

/// <summary>
/// How many replicas must have a produced batch before the leader answers (Kafka's acks). Carried as int16; a value
/// outside these three is kept as read so the server can answer INVALID_REQUIRED_ACKS instead of failing to parse.
/// </summary>
public enum ProduceAcks : short
{
    /// <summary>acks=all (-1): every in-sync replica, and at least min.insync.replicas of them.</summary>
    All = -1,

    /// <summary>acks=0: no response at all; the producer learns of failures only when the connection closes.</summary>
    None = 0,

    /// <summary>acks=1: the leader's own log.</summary>
    Leader = 1,
}
