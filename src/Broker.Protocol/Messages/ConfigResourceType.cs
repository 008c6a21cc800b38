namespace Broker.Protocol.Messages;

/// <summary>What a DescribeConfigs or AlterConfigs resource names (int8, Kafka's numbers). v0 serves topics.</summary>
public enum ConfigResourceType : sbyte
{
    Unknown = 0,
    Topic = 2,
    Broker = 4,
}
