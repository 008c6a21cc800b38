using System.Text.Json;
using Broker.Core.Errors;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.DescribeConfigs;
using Broker.Protocol.Messages.Metadata;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests;

/// <summary>
/// The sample configs in the repository's <c>config/</c> are ones a broker starts with: each is read through
/// <c>--config</c>, and its topic defaults and broker settings are the ones in force (the data directory and
/// listeners are overridden on the command line, so the samples' fixed ports do not matter).
/// </summary>
public sealed class SampleConfigTests
{
    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(ConfigDirectory(), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void The_repository_ships_several_sample_configs() => Assert.True(Samples().Count >= 3, $"config/ holds {Samples().Count} samples");

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task A_sample_config_starts_a_broker_with_its_settings(string sample)
    {
        var path = Path.Combine(ConfigDirectory(), sample);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        await using var broker = await TestBroker.StartAsync("--config", path);
        var options = broker.Host.Runtime.Options;

        foreach (var setting in json.RootElement.GetProperty("TopicDefaults").EnumerateObject())
        {
            Assert.Equal(setting.Value.GetString(), options.TopicDefaults[setting.Name]);
        }

        if (json.RootElement.TryGetProperty("PageCacheWindowBytes", out var window))
        {
            Assert.Equal(window.GetInt32(), options.PageCacheWindowBytes);
        }

        // And they reach a topic created without configs of its own, reported as the broker's.
        using var client = broker.Connect();
        var created = await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(new CreateTopicsRequest
        {
            Topics = [new CreateTopicsRequestTopic { Name = "sample" }],
        });
        Assert.Equal(ErrorCode.None, Assert.Single(created.Topics).ErrorCode);
        var described = await client.SendAsync<DescribeConfigsRequest, DescribeConfigsResponse>(new DescribeConfigsRequest
        {
            Resources = [new DescribeConfigsRequestResource { ResourceName = "sample" }],
        });
        var configs = Assert.Single(described.Results).Configs.ToDictionary(c => c.Name);
        foreach (var setting in json.RootElement.GetProperty("TopicDefaults").EnumerateObject())
        {
            Assert.Equal((setting.Value.GetString(), ConfigSource.StaticBrokerConfig), (configs[setting.Name].Value, configs[setting.Name].Source));
        }

        if (json.RootElement.TryGetProperty("DefaultPartitions", out var partitions))
        {
            var metadata = await client.SendAsync<MetadataRequest, MetadataResponse>(new MetadataRequest { Topics = ["sample"] });
            Assert.Equal(partitions.GetInt32(), Assert.Single(metadata.Topics).Partitions.Count);
        }
    }

    /// <summary>The repository's <c>config/*.json</c>, copied beside the tests by the project file.</summary>
    private static string ConfigDirectory() => Path.Combine(AppContext.BaseDirectory, "sample-config");
}
