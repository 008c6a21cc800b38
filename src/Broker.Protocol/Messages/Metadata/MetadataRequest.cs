namespace Broker.Protocol.Messages.Metadata;

/// <summary>
/// Metadata v0: topics [string] (nullable: null asks for every topic, empty for none, e.g. to learn only the
/// brokers) | allow_auto_topic_creation bool.
/// </summary>
public sealed class MetadataRequest : IRequestMessage<MetadataRequest>
{
    public static ApiKey ApiKey => ApiKey.Metadata;

    /// <summary>The topics to describe; null for all of them.</summary>
    public IReadOnlyList<string>? Topics { get; init; }

    /// <summary>Create a named topic that does not exist, if the broker's auto.create.topics.enable allows it.</summary>
    public bool AllowAutoTopicCreation { get; init; }

    public static MetadataRequest Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.Metadata, version);
        return new MetadataRequest { Topics = reader.ReadNullableStringArray(), AllowAutoTopicCreation = reader.ReadBoolean() };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.Metadata, version);
        writer.WriteStringArray(Topics);
        writer.WriteBoolean(AllowAutoTopicCreation);
    }
}
