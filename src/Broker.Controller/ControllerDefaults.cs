using Broker.Storage;

namespace Broker.Controller;

/// <summary>What the controller fills in when a request leaves a value to the broker.</summary>
public sealed record ControllerDefaults(int Partitions, short ReplicationFactor, LogConfig LogConfig)
{
    public static ControllerDefaults Default { get; } = new(1, 1, LogConfig.Default);
}
