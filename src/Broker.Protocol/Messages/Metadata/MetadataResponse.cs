using Broker.Core.Errors;

namespace Broker.Protocol.Messages.Metadata;

/// <summary>
/// Metadata v0 response: error_code int16 | throttle_time_ms int32 | brokers [MetadataResponseBroker] |
/// cluster_id string (nullable) | controller_id int32 | topics [MetadataResponseTopic].
/// </summary>
public sealed class MetadataResponse : IResponseMessage<MetadataResponse>
{
    public static ApiKey ApiKey => ApiKey.Metadata;

    public ErrorCode ErrorCode { get; init; }

    public int ThrottleTimeMs { get; init; }

    /// <summary>The live brokers a client may connect to.</summary>
    public IReadOnlyList<MetadataResponseBroker> Brokers { get; init; } = [];

    public string? ClusterId { get; init; }

    /// <summary>The active controller's node id; <see cref="ProtocolSentinels.NoNodeId"/> during an election.</summary>
    public int ControllerId { get; init; } = ProtocolSentinels.NoNodeId;

    public IReadOnlyList<MetadataResponseTopic> Topics { get; init; } = [];

    public static MetadataResponse Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.Metadata, version);
        var preamble = ResponsePreamble.Read(ref reader);
        if (preamble.IsErrorOnly(reader))
        {
            return new MetadataResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs };
        }

        var brokers = new MetadataResponseBroker[reader.ReadArrayCount(MetadataResponseBroker.EncodedBytesMin)];
        for (var i = 0; i < brokers.Length; i++)
        {
            brokers[i] = MetadataResponseBroker.Read(ref reader, version);
        }

        var clusterId = reader.ReadNullableString();
        var controllerId = reader.ReadInt32();
        var topics = new MetadataResponseTopic[reader.ReadArrayCount(MetadataResponseTopic.EncodedBytesMin)];
        for (var i = 0; i < topics.Length; i++)
        {
            topics[i] = MetadataResponseTopic.Read(ref reader, version);
        }

        return new MetadataResponse
        {
            ErrorCode = preamble.ErrorCode,
            ThrottleTimeMs = preamble.ThrottleTimeMs,
            Brokers = brokers,
            ClusterId = clusterId,
            ControllerId = controllerId,
            Topics = topics,
        };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.Metadata, version);
        new ResponsePreamble(ErrorCode, ThrottleTimeMs).Write(ref writer);
        writer.WriteArrayCount(Brokers.Count);
        for (var i = 0; i < Brokers.Count; i++)
        {
            Brokers[i].Write(ref writer, version);
        }

        writer.WriteString(ClusterId);
        writer.WriteInt32(ControllerId);
        writer.WriteArrayCount(Topics.Count);
        for (var i = 0; i < Topics.Count; i++)
        {
            Topics[i].Write(ref writer, version);
        }
    }
}
