using System.Net;
using System.Text.Json;
using Broker.Core.Errors;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.DescribeConfigs;
using Broker.Server.Hosting;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests;

/// <summary>
/// The broker's configuration as an operator gives it: the file named by --config, command-line switches over it, and
/// where DescribeConfigs says a topic's values come from. Each broker here is given a config file of the test's own,
/// so the config/broker.json copied beside the tests plays no part. Environment variables are process-wide, so their
/// layer is tested on the broker executable as a child process (Broker.IntegrationTests, ConfigurationTests).
/// </summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "broker-config-test-" + Guid.NewGuid().ToString("N"));

    public ConfigurationTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task Settings_come_from_the_file_named_by_config()
    {
        var dataDir = Path.Combine(_directory, "from-file");
        var config = WriteConfig($$"""
            {
              "DataDir": {{JsonSerializer.Serialize(dataDir)}},
              "Listen": "127.0.0.1:0",
              "HttpListen": "",
              "TopicDefaults": { "retention.ms": "3600000" }
            }
            """);

        await using var host = await BrokerHost.StartAsync(["--config", config, "--Logging:LogLevel:Default=Warning"]);

        Assert.True(File.Exists(Path.Combine(dataDir, "meta.properties")), "the data directory named in the file holds the broker's data");
        var configs = await CreateAndDescribeAsync(host.ClientEndPoint, "from-file");
        Assert.Equal("3600000", configs["retention.ms"].Value);
    }

    [Fact]
    public async Task Command_line_switches_override_the_config_file()
    {
        var fileDataDir = Path.Combine(_directory, "named-in-file");
        var switchDataDir = Path.Combine(_directory, "named-by-switch");
        var config = WriteConfig($$"""
            {
              "DataDir": {{JsonSerializer.Serialize(fileDataDir)}},
              "NodeId": 5,
              "Listen": "127.0.0.1:0",
              "HttpListen": "",
              "TopicDefaults": { "retention.ms": "3600000", "segment.ms": "3600000" }
            }
            """);

        await using var host = await BrokerHost.StartAsync(
            ["--config", config, "--data-dir", switchDataDir, "--node-id", "6", "--TopicDefaults:retention.ms=7200000", "--Logging:LogLevel:Default=Warning"]);

        Assert.False(Directory.Exists(fileDataDir));
        Assert.Contains("node.id=6", await File.ReadAllLinesAsync(Path.Combine(switchDataDir, "meta.properties")));
        var configs = await CreateAndDescribeAsync(host.ClientEndPoint, "switched");
        Assert.Equal("7200000", configs["retention.ms"].Value);
        Assert.Equal("3600000", configs["segment.ms"].Value); // a key no switch names keeps the file's value
    }

    /// <summary>Kafka's sources: a topic's own value, the broker's configured default for topics, or the built-in one.</summary>
    [Fact]
    public async Task A_topic_config_reports_whether_it_comes_from_the_topic_the_broker_configuration_or_the_built_in_default()
    {
        var config = WriteConfig($$"""
            {
              "DataDir": {{JsonSerializer.Serialize(Path.Combine(_directory, "data"))}},
              "Listen": "127.0.0.1:0",
              "HttpListen": "",
              "TopicDefaults": { "retention.ms": "3600000", "segment.bytes": "2097152" }
            }
            """);
        await using var host = await BrokerHost.StartAsync(["--config", config, "--Logging:LogLevel:Default=Warning"]);

        var configs = await CreateAndDescribeAsync(host.ClientEndPoint, "sourced", ("segment.bytes", "1048576"));

        Assert.Equal(("3600000", ConfigSource.StaticBrokerConfig), (configs["retention.ms"].Value, configs["retention.ms"].Source));
        Assert.Equal(("1048576", ConfigSource.DynamicTopicConfig), (configs["segment.bytes"].Value, configs["segment.bytes"].Source));
        Assert.Equal(("604800000", ConfigSource.DefaultConfig), (configs["segment.ms"].Value, configs["segment.ms"].Source));
    }

    [Fact]
    public async Task A_config_file_that_is_not_json_is_refused_at_start_naming_the_file()
    {
        var config = WriteConfig("""{ "NodeId": 1, """);

        var error = await Assert.ThrowsAsync<BrokerException>(() => BrokerHost.StartAsync(["--config", config, "--Logging:LogLevel:Default=None"]));

        Assert.Equal(ErrorCode.InvalidConfig, error.Code);
        Assert.Contains(config, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NodeId", "abc")]
    [InlineData("InlineIoScheduling", "maybe")]
    [InlineData("Groups:SessionTimeoutMs", "long")]
    public async Task A_value_that_does_not_convert_to_its_setting_is_refused_at_start_naming_the_key(string key, string value)
    {
        var config = WriteConfig($$"""{ "DataDir": {{JsonSerializer.Serialize(Path.Combine(_directory, "data"))}}, "Listen": "127.0.0.1:0", "HttpListen": "" }""");

        var error = await Assert.ThrowsAsync<BrokerException>(() => BrokerHost.StartAsync(["--config", config, $"--{key}={value}", "--Logging:LogLevel:Default=None"]));

        Assert.Equal(ErrorCode.InvalidConfig, error.Code);
        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteConfig(string json)
    {
        var path = Path.Combine(_directory, "broker.json");
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>Creates <paramref name="topic"/> with <paramref name="overrides"/> and returns every config it reports, by name.</summary>
    private static async Task<Dictionary<string, DescribeConfigsResponseConfig>> CreateAndDescribeAsync(IPEndPoint broker, string topic, params (string Key, string Value)[] overrides)
    {
        using var client = RawClient.Connect(broker);
        var created = await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic(topic, 1, overrides));
        Assert.Equal(ErrorCode.None, Assert.Single(created.Topics).ErrorCode);
        var described = await client.SendAsync<DescribeConfigsRequest, DescribeConfigsResponse>(
            new DescribeConfigsRequest { Resources = [new DescribeConfigsRequestResource { ResourceName = topic }] });
        var resource = Assert.Single(described.Results);
        Assert.Equal(ErrorCode.None, resource.ErrorCode);
        return resource.Configs.ToDictionary(c => c.Name);
    }
}
