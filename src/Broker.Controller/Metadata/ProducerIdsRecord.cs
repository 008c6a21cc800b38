namespace Broker.Controller.Metadata;

/// <summary>
/// The controller gave broker <paramref name="BrokerId"/> (at broker epoch <paramref name="BrokerEpoch"/>) the block of
/// producer ids below <paramref name="NextProducerId"/> that no earlier record gave out: every id from the previous
/// record's NextProducerId (0 for the first) up to it. Replaying the log therefore never hands an id out twice, however
/// often brokers restart (a block a broker did not use up is lost, as in Kafka's KRaft).
/// </summary>
public sealed record ProducerIdsRecord(int BrokerId, long BrokerEpoch, long NextProducerId) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.ProducerIds;
}
