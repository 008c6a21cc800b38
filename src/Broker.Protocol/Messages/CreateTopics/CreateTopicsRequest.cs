namespace Broker.Protocol.Messages.CreateTopics;

/// <summary>
/// CreateTopics v0: topics [CreateTopicsRequestTopic] | timeout_ms int32 | validate_only bool. Each topic succeeds or
/// fails on its own. The broker forwards the request to the active controller.
/// </summary>
public sealed class CreateTopicsRequest : IRequestMessage<CreateTopicsRequest>
{
    public static ApiKey ApiKey => ApiKey.CreateTopics;

    public IReadOnlyList<CreateTopicsRequestTopic> Topics { get; init; } = [];

    /// <summary>How long to wait for the topics to exist on the controller, in milliseconds.</summary>
    public int TimeoutMs { get; init; }

    /// <summary>Check the request and report what would happen, without creating anything.</summary>
    public bool ValidateOnly { get; init; }

    public static CreateTopicsRequest Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.CreateTopics, version);
        var topics = new CreateTopicsRequestTopic[reader.ReadArrayCount(CreateTopicsRequestTopic.EncodedBytesMin)];
        for (var i = 0; i < topics.Length; i++)
        {
            topics[i] = CreateTopicsRequestTopic.Read(ref reader, version);
        }

        return new CreateTopicsRequest { Topics = topics, TimeoutMs = reader.ReadInt32(), ValidateOnly = reader.ReadBoolean() };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.CreateTopics, version);
        writer.WriteArrayCount(Topics.Count);
        for (var i = 0; i < Topics.Count; i++)
        {
            Topics[i].Write(ref writer, version);
        }

        writer.WriteInt32(TimeoutMs);
        writer.WriteBoolean(ValidateOnly);
    }
}
