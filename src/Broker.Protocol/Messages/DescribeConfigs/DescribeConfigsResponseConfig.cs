namespace Broker.Protocol.Messages.DescribeConfigs;

/// <summary>
/// One described key: name string | value string (nullable; null for sensitive values) | read_only bool |
/// config_source int8 | is_sensitive bool.
/// </summary>
public readonly record struct DescribeConfigsResponseConfig
{
    internal const int EncodedBytesMin = 2 + 2 + 1 + 1 + 1;

    public required string Name { get; init; }

    public string? Value { get; init; }

    /// <summary>True for keys AlterConfigs cannot change on this resource.</summary>
    public bool ReadOnly { get; init; }

    public ConfigSource Source { get; init; }

    /// <summary>True for secrets: the value is never sent.</summary>
    public bool IsSensitive { get; init; }

    internal static DescribeConfigsResponseConfig Read(ref ProtocolReader reader, short version) => new()
    {
        Name = reader.ReadString(),
        Value = reader.ReadNullableString(),
        ReadOnly = reader.ReadBoolean(),
        Source = (ConfigSource)reader.ReadInt8(),
        IsSensitive = reader.ReadBoolean(),
    };

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteString(Name);
        writer.WriteString(Value);
        writer.WriteBoolean(ReadOnly);
        writer.WriteInt8((sbyte)Source);
        writer.WriteBoolean(IsSensitive);
    }
}
