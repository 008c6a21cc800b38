using Broker.Core.Errors;

namespace Broker.Protocol.Messages.AlterConfigs;

/// <summary>
/// The outcome for one resource: error_code int16 | error_message string (nullable) | resource_type int8 |
/// resource_name string.
/// </summary>
public readonly record struct AlterConfigsResponseResource
{
    internal const int EncodedBytesMin = 2 + 2 + 1 + 2;

    public ErrorCode ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    public ConfigResourceType ResourceType { get; init; }

    public required string ResourceName { get; init; }

    internal static AlterConfigsResponseResource Read(ref ProtocolReader reader, short version) => new()
    {
        ErrorCode = (ErrorCode)reader.ReadInt16(),
        ErrorMessage = reader.ReadNullableString(),
        ResourceType = (ConfigResourceType)reader.ReadInt8(),
        ResourceName = reader.ReadString(),
    };

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteInt16((short)ErrorCode);
        writer.WriteString(ErrorMessage);
        writer.WriteInt8((sbyte)ResourceType);
        writer.WriteString(ResourceName);
    }
}
