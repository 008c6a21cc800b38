namespace Broker.Protocol.Messages.Produce;

/// <summary>
/// Produce v0: acks int16 | timeout_ms int32 | topics [ProduceRequestTopic]. Appends one record set per partition.
/// With <see cref="ProduceAcks.None"/> the server sends no response frame, so the client must not wait for one.
/// </summary>
public sealed class ProduceRequest : IRequestMessage<ProduceRequest>
{
    public static ApiKey ApiKey => ApiKey.Produce;

    public ProduceAcks Acks { get; init; } = ProduceAcks.All;

    /// <summary>How long the leader may wait for replicas to reach <see cref="Acks"/>, in milliseconds.</summary>
    public int TimeoutMs { get; init; }

    public IReadOnlyList<ProduceRequestTopic> Topics { get; init; } = [];

    /// <summary>False for acks=0: the server writes nothing back for this request.</summary>
    public bool ExpectsResponse => Acks != ProduceAcks.None;

    public static ProduceRequest Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.Produce, version);
        var acks = (ProduceAcks)reader.ReadInt16();
        var timeoutMs = reader.ReadInt32();
        var topics = new ProduceRequestTopic[reader.ReadArrayCount(ProduceRequestTopic.EncodedBytesMin)];
        for (var i = 0; i < topics.Length; i++)
        {
            topics[i] = ProduceRequestTopic.Read(ref reader, version);
        }

        return new ProduceRequest { Acks = acks, TimeoutMs = timeoutMs, Topics = topics };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.Produce, version);
        writer.WriteInt16((short)Acks);
        writer.WriteInt32(TimeoutMs);
        writer.WriteArrayCount(Topics.Count);
        for (var i = 0; i < Topics.Count; i++)
        {
            Topics[i].Write(ref writer, version);
        }
    }
}
