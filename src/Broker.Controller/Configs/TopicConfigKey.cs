namespace Broker.Controller.Configs;

/// <summary>One topic configuration key: its Kafka name, its default as text, and how a value is checked and applied.</summary>
internal sealed record TopicConfigKey(
    string Name,
    string Documentation,
    Func<Broker.Storage.LogConfig, string> DefaultOf,
    Func<Broker.Storage.LogConfig, string, Broker.Storage.LogConfig> Apply);
