namespace Broker.Controller.Metadata;

/// <summary>A configuration key of a resource (a topic by name, or the broker defaults with an empty name) was set,
/// or removed when <paramref name="Value"/> is null.</summary>
public sealed record ConfigRecord(ConfigResourceType ResourceType, string ResourceName, string Key, string? Value) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.Config;
}
