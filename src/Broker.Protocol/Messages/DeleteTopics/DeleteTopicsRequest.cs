namespace Broker.Protocol.Messages.DeleteTopics;

/// <summary>DeleteTopics v0: topic_names [string] | timeout_ms int32. Each topic succeeds or fails on its own.</summary>
public sealed class DeleteTopicsRequest : IRequestMessage<DeleteTopicsRequest>
{
    public static ApiKey ApiKey => ApiKey.DeleteTopics;

    public IReadOnlyList<string> TopicNames { get; init; } = [];

    /// <summary>How long to wait for the deletions to be committed by the controller, in milliseconds.</summary>
    public int TimeoutMs { get; init; }

    public static DeleteTopicsRequest Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.DeleteTopics, version);
        return new DeleteTopicsRequest { TopicNames = reader.ReadStringArray(), TimeoutMs = reader.ReadInt32() };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.DeleteTopics, version);
        writer.WriteStringArray(TopicNames);
        writer.WriteInt32(TimeoutMs);
    }
}
