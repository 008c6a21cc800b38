namespace Broker.Controller.Metadata;

/// <summary>The owner of a set of configuration entries: a topic by name, or a broker (empty name = cluster default).</summary>
public readonly record struct ConfigResource(ConfigResourceType Type, string Name);
