namespace Broker.Controller.Metadata;

/// <summary>What a configuration entry belongs to; numbered as Kafka's ConfigResource types.</summary>
public enum ConfigResourceType : byte
{
    Topic = 2,
    Broker = 4,
}
