namespace Broker.Protocol.Messages.DescribeConfigs;

/// <summary>
/// One resource to describe: resource_type int8 | resource_name string | configuration_keys [string] (nullable:
/// null for every key).
/// </summary>
public sealed class DescribeConfigsRequestResource
{
    internal const int EncodedBytesMin = 1 + 2 + 4;

    public ConfigResourceType ResourceType { get; init; } = ConfigResourceType.Topic;

    public required string ResourceName { get; init; }

    public IReadOnlyList<string>? ConfigurationKeys { get; init; }

    internal static DescribeConfigsRequestResource Read(ref ProtocolReader reader, short version) => new()
    {
        ResourceType = (ConfigResourceType)reader.ReadInt8(),
        ResourceName = reader.ReadString(),
        ConfigurationKeys = reader.ReadNullableStringArray(),
    };

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteInt8((sbyte)ResourceType);
        writer.WriteString(ResourceName);
        writer.WriteStringArray(ConfigurationKeys);
    }
}
