namespace Broker.Protocol.Messages.DescribeConfigs;

/// <summary>Where a described value comes from (int8, Kafka's numbers), so an operator sees what overrides what.</summary>
public enum ConfigSource : sbyte
{
    Unknown = 0,

    /// <summary>An override set on the topic (CreateTopics configs or AlterConfigs).</summary>
    DynamicTopicConfig = 1,
    DynamicBrokerConfig = 2,
    DynamicDefaultBrokerConfig = 3,

    /// <summary>A broker-wide default from the broker's configuration (Kafka: server.properties).</summary>
    StaticBrokerConfig = 4,

    /// <summary>The built-in default.</summary>
    DefaultConfig = 5,
}
