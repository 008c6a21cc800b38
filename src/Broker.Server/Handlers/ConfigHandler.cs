using System.IO.Pipelines;
using Broker.Controller;
using Broker.Controller.Configs;
using Broker.Controller.Metadata;
using Broker.Core.Errors;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages.AlterConfigs;
using Broker.Protocol.Messages.DescribeConfigs;
using Broker.Server.Hosting;
using WireResourceType = Broker.Protocol.Messages.ConfigResourceType;

namespace Broker.Server.Handlers;

/// <summary>
/// DescribeConfigs: every topic config key with its effective value and where it comes from, in Kafka's terms: set on
/// the topic (DYNAMIC_TOPIC_CONFIG), a broker-wide default from the broker's configuration,
/// <see cref="BrokerOptions.TopicDefaults"/> (STATIC_BROKER_CONFIG), or built in (DEFAULT_CONFIG). AlterConfigs:
/// incremental changes through the controller, which validates them.
/// </summary>
internal sealed class ConfigHandler
{
    private readonly BrokerRuntime _runtime;

    public ConfigHandler(BrokerRuntime runtime) => _runtime = runtime;

    public ValueTask HandleDescribe(RequestFrame frame, PipeWriter output)
    {
        var request = frame.ReadBody<DescribeConfigsRequest>();
        var image = _runtime.Controller.Image;
        var results = request.Resources.Select(resource => Describe(image, resource)).ToArray();
        FrameWriter.WriteResponse(output, frame.Header.CorrelationId, frame.Header.ApiVersion, new DescribeConfigsResponse { Results = results });
        return ValueTask.CompletedTask;
    }

    public async ValueTask HandleAlterAsync(RequestFrame frame, PipeWriter output, CancellationToken cancellationToken)
    {
        var request = frame.ReadBody<AlterConfigsRequest>();
        var changes = request.Resources
            .Select(r => (new ConfigResource(ToMetadata(r.ResourceType), r.ResourceName), (IReadOnlyList<ConfigChange>)[.. r.Configs.Select(c => new ConfigChange(c.Name, c.Value))]))
            .ToArray();
        var outcomes = await _runtime.Controller.AlterConfigsAsync(changes, request.ValidateOnly, cancellationToken);
        var response = new AlterConfigsResponse
        {
            Results = [.. outcomes.Select((o, i) => new AlterConfigsResponseResource
            {
                ResourceType = request.Resources[i].ResourceType,
                ResourceName = o.Name,
                ErrorCode = o.Error,
                ErrorMessage = o.Message,
            })],
        };
        FrameWriter.WriteResponse(output, frame.Header.CorrelationId, frame.Header.ApiVersion, response);
    }

    private DescribeConfigsResponseResource Describe(MetadataImage image, DescribeConfigsRequestResource resource)
    {
        if (resource.ResourceType != WireResourceType.Topic)
        {
            return Failed(resource, ErrorCode.InvalidRequest, "Only topic configs can be described; broker settings are in its configuration file.");
        }

        if (!image.Topics.ContainsKey(resource.ResourceName))
        {
            return Failed(resource, ErrorCode.UnknownTopicOrPartition, $"Topic '{resource.ResourceName}' does not exist.");
        }

        var overrides = image.ConfigOf(ConfigResourceType.Topic, resource.ResourceName);
        var keys = resource.ConfigurationKeys ?? TopicConfigs.Names;
        var configs = new List<DescribeConfigsResponseConfig>(keys.Count);
        foreach (var key in keys)
        {
            if (!TopicConfigs.IsKnown(key))
            {
                continue; // Kafka omits keys it does not know
            }

            var isSet = overrides.TryGetValue(key, out var value);
            configs.Add(new DescribeConfigsResponseConfig
            {
                Name = key,
                Value = isSet ? value : TopicConfigs.ValueOf(_runtime.TopicDefaults, key),
                Source = isSet ? ConfigSource.DynamicTopicConfig : DefaultSourceOf(key),
            });
        }

        return new DescribeConfigsResponseResource { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName, Configs = configs };
    }

    /// <summary>Where a topic without its own value gets <paramref name="key"/>: the broker's configuration, or built in.</summary>
    private ConfigSource DefaultSourceOf(string key) =>
        _runtime.Options.TopicDefaults.ContainsKey(key) ? ConfigSource.StaticBrokerConfig : ConfigSource.DefaultConfig;

    private static DescribeConfigsResponseResource Failed(DescribeConfigsRequestResource resource, ErrorCode error, string message) =>
        new() { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName, ErrorCode = error, ErrorMessage = message };

    private static ConfigResourceType ToMetadata(WireResourceType type) => type switch
    {
        WireResourceType.Topic => ConfigResourceType.Topic,
        WireResourceType.Broker => ConfigResourceType.Broker,
        _ => (ConfigResourceType)0,
    };
}
