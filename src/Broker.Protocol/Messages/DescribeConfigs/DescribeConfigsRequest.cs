namespace Broker.Protocol.Messages.DescribeConfigs;

/// <summary>DescribeConfigs v0: resources [DescribeConfigsRequestResource]. Reads the effective configuration of topics.</summary>
public sealed class DescribeConfigsRequest : IRequestMessage<DescribeConfigsRequest>
{
    public static ApiKey ApiKey => ApiKey.DescribeConfigs;

    public IReadOnlyList<DescribeConfigsRequestResource> Resources { get; init; } = [];

    public static DescribeConfigsRequest Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.DescribeConfigs, version);
        var resources = new DescribeConfigsRequestResource[reader.ReadArrayCount(DescribeConfigsRequestResource.EncodedBytesMin)];
        for (var i = 0; i < resources.Length; i++)
        {
            resources[i] = DescribeConfigsRequestResource.Read(ref reader, version);
        }

        return new DescribeConfigsRequest { Resources = resources };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.DescribeConfigs, version);
        writer.WriteArrayCount(Resources.Count);
        for (var i = 0; i < Resources.Count; i++)
        {
            Resources[i].Write(ref writer, version);
        }
    }
}
