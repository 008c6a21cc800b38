namespace Broker.Protocol.Messages.AlterConfigs;

/// <summary>
/// AlterConfigs v0: resources [AlterConfigsRequestResource] | validate_only bool. Incremental, unlike Kafka's legacy
/// AlterConfigs: only the keys named change; a null value removes that override. Each resource succeeds or fails as
/// a whole.
/// </summary>
public sealed class AlterConfigsRequest : IRequestMessage<AlterConfigsRequest>
{
    public static ApiKey ApiKey => ApiKey.AlterConfigs;

    public IReadOnlyList<AlterConfigsRequestResource> Resources { get; init; } = [];

    public bool ValidateOnly { get; init; }

    public static AlterConfigsRequest Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.AlterConfigs, version);
        var resources = new AlterConfigsRequestResource[reader.ReadArrayCount(AlterConfigsRequestResource.EncodedBytesMin)];
        for (var i = 0; i < resources.Length; i++)
        {
            resources[i] = AlterConfigsRequestResource.Read(ref reader, version);
        }

        return new AlterConfigsRequest { Resources = resources, ValidateOnly = reader.ReadBoolean() };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.AlterConfigs, version);
        writer.WriteArrayCount(Resources.Count);
        for (var i = 0; i < Resources.Count; i++)
        {
            Resources[i].Write(ref writer, version);
        }

        writer.WriteBoolean(ValidateOnly);
    }
}
