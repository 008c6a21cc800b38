namespace Broker.Protocol.Messages.AlterConfigs;

/// <summary>One resource to change: resource_type int8 | resource_name string | configs [ConfigEntry].</summary>
public sealed class AlterConfigsRequestResource
{
    internal const int EncodedBytesMin = 1 + 2 + 4;

    public ConfigResourceType ResourceType { get; init; } = ConfigResourceType.Topic;

    public required string ResourceName { get; init; }

    /// <summary>The keys to set; a null value removes the override.</summary>
    public IReadOnlyList<ConfigEntry> Configs { get; init; } = [];

    internal static AlterConfigsRequestResource Read(ref ProtocolReader reader, short version) => new()
    {
        ResourceType = (ConfigResourceType)reader.ReadInt8(),
        ResourceName = reader.ReadString(),
        Configs = ConfigEntry.ReadArray(ref reader),
    };

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteInt8((sbyte)ResourceType);
        writer.WriteString(ResourceName);
        ConfigEntry.WriteArray(ref writer, Configs);
    }
}
