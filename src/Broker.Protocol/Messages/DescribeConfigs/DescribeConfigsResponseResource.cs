using Broker.Core.Errors;

namespace Broker.Protocol.Messages.DescribeConfigs;

/// <summary>
/// One described resource: error_code int16 | error_message string (nullable) | resource_type int8 |
/// resource_name string | configs [DescribeConfigsResponseConfig].
/// </summary>
public sealed class DescribeConfigsResponseResource
{
    internal const int EncodedBytesMin = 2 + 2 + 1 + 2 + 4;

    public ErrorCode ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    public ConfigResourceType ResourceType { get; init; } = ConfigResourceType.Topic;

    public required string ResourceName { get; init; }

    public IReadOnlyList<DescribeConfigsResponseConfig> Configs { get; init; } = [];

    internal static DescribeConfigsResponseResource Read(ref ProtocolReader reader, short version)
    {
        var errorCode = (ErrorCode)reader.ReadInt16();
        var errorMessage = reader.ReadNullableString();
        var resourceType = (ConfigResourceType)reader.ReadInt8();
        var resourceName = reader.ReadString();
        var configs = new DescribeConfigsResponseConfig[reader.ReadArrayCount(DescribeConfigsResponseConfig.EncodedBytesMin)];
        for (var i = 0; i < configs.Length; i++)
        {
            configs[i] = DescribeConfigsResponseConfig.Read(ref reader, version);
        }

        return new DescribeConfigsResponseResource
        {
            ErrorCode = errorCode,
            ErrorMessage = errorMessage,
            ResourceType = resourceType,
            ResourceName = resourceName,
            Configs = configs,
        };
    }

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteInt16((short)ErrorCode);
        writer.WriteString(ErrorMessage);
        writer.WriteInt8((sbyte)ResourceType);
        writer.WriteString(ResourceName);
        writer.WriteArrayCount(Configs.Count);
        for (var i = 0; i < Configs.Count; i++)
        {
            Configs[i].Write(ref writer, version);
        }
    }
}
