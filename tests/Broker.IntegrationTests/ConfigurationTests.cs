using Broker.Client;
using Broker.Client.Admin;
using Broker.Protocol.Messages.DescribeConfigs;

namespace Broker.IntegrationTests;

/// <summary>
/// The layers of the broker's configuration on the real executable, where environment variables can be given to the
/// broker alone: the file named by --config, then BROKER_* variables, then command-line switches, each overriding the
/// one before (README, Configuration). A configuration the broker cannot use stops it with one line on stderr and
/// exit code 1 (docs/server.md), not a stack trace.
/// </summary>
public sealed class ConfigurationTests
{
    [Fact]
    public async Task An_environment_variable_overrides_the_config_file_and_a_switch_overrides_both()
    {
        using var directory = new TempDirectory();
        var config = WriteConfig(directory, $$"""
            {
              "Listen": "127.0.0.1:{{BrokerProcess.FreePort()}}",
              "TopicDefaults": { "max.message.bytes": "111111", "segment.ms": "111111", "retention.ms": "111111" }
            }
            """);
        using var broker = new BrokerProcess(Path.Combine(directory.Path, "data"), "--config", config, "--TopicDefaults:retention.ms=333333");
        broker.Environment["BROKER_Listen"] = $"127.0.0.1:{BrokerProcess.FreePort()}";
        broker.Environment["BROKER_TopicDefaults__segment.ms"] = "222222";
        broker.Environment["BROKER_TopicDefaults__retention.ms"] = "222222";

        broker.Start(); // waits for the port of its --listen switch: the file and the environment name others

        await using var admin = new AdminClient(new AdminClientOptions { BootstrapServers = broker.Bootstrap });
        await admin.CreateTopicsAsync([new TopicSpecification("layered", 1)]);
        var configs = Assert.Single(await admin.DescribeConfigsAsync(["layered"]));
        Assert.Equal("111111", configs["max.message.bytes"]); // the file alone
        Assert.Equal("222222", configs["segment.ms"]);        // the environment over the file
        Assert.Equal("333333", configs["retention.ms"]);      // the switch over both
        Assert.All(
            configs.Entries.Where(e => e.Name is "max.message.bytes" or "segment.ms" or "retention.ms"),
            e => Assert.Equal(ConfigSource.StaticBrokerConfig, e.Source));
    }

    [Fact]
    public void A_config_file_that_is_not_json_stops_the_broker_with_one_line_naming_the_file_and_exit_code_1()
    {
        using var directory = new TempDirectory();
        var config = WriteConfig(directory, """{ "NodeId": 1, """);
        using var broker = new BrokerProcess(Path.Combine(directory.Path, "data"), "--config", config);

        var exitCode = broker.StartExpectingExit(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        var line = Assert.Single(broker.ErrorLines);
        Assert.StartsWith("broker: ", line, StringComparison.Ordinal);
        Assert.Contains(config, line, StringComparison.Ordinal);
    }

    [Fact]
    public void An_environment_variable_that_is_not_a_value_of_its_setting_stops_the_broker_with_one_line_naming_the_key_and_exit_code_1()
    {
        using var directory = new TempDirectory();
        using var broker = new BrokerProcess(Path.Combine(directory.Path, "data"));
        broker.Environment["BROKER_NodeId"] = "abc";

        var exitCode = broker.StartExpectingExit(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        var line = Assert.Single(broker.ErrorLines);
        Assert.StartsWith("broker: ", line, StringComparison.Ordinal);
        Assert.Contains("'NodeId'", line, StringComparison.Ordinal);
    }

    private static string WriteConfig(TempDirectory directory, string json)
    {
        Directory.CreateDirectory(directory.Path);
        var path = Path.Combine(directory.Path, "broker.json");
        File.WriteAllText(path, json);
        return path;
    }
}
