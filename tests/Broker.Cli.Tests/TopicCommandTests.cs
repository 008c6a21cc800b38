using System.Text.Json;
using Broker.Cli.Tests.Support;

namespace Broker.Cli.Tests;

public sealed class TopicCommandTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task Topic_round_trip_in_text_output()
    {
        var created = await broker.RunAsync("topic", "create", "orders", "--partitions", "3", "--config", "retention.ms=3600000");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains("Created topic orders with 3 partitions", created.Out, StringComparison.Ordinal);

        var list = await broker.RunAsync("topic", "list");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(list.OutLines, l => Cells(l) is ["orders", "3", "1"]);

        var described = await broker.RunAsync("topic", "describe", "orders");
        Assert.Equal(0, described.ExitCode);
        Assert.Contains("Configs: retention.ms=3600000", described.Out, StringComparison.Ordinal);
        Assert.Equal(3, described.OutLines.Count(l => Cells(l) is [var p, "1", _, "1", "1", "", "0", "0"] && p is "0" or "1" or "2"));

        var grown = await broker.RunAsync("topic", "add-partitions", "orders", "--total", "5");
        Assert.True(grown.ExitCode == 0, grown.ToString());
        Assert.Contains(
            (await broker.RunAsync("topic", "list")).OutLines, l => Cells(l) is ["orders", "5", "1"]);

        var altered = await broker.RunAsync("topic", "config", "orders", "--set", "segment.bytes=1048576", "--delete", "retention.ms");
        Assert.True(altered.ExitCode == 0, altered.ToString());
        var configs = await broker.RunAsync("topic", "config", "orders");
        Assert.Contains(configs.OutLines, l => Cells(l) is ["segment.bytes", "1048576", "DYNAMIC_TOPIC_CONFIG", "no"]);
        Assert.Contains(configs.OutLines, l => Cells(l) is ["retention.ms", "604800000", "STATIC_BROKER_CONFIG", "no"]); // the broker's default again
        Assert.Contains(configs.OutLines, l => Cells(l) is ["segment.ms", _, "DEFAULT_CONFIG", "no"]);

        var deleted = await broker.RunAsync("topic", "delete", "orders");
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.DoesNotContain((await broker.RunAsync("topic", "list")).OutLines, l => Cells(l).FirstOrDefault() == "orders");
        Assert.DoesNotContain('\u001b', list.Out + described.Out + configs.Out); // no ANSI escapes when not a terminal
    }

    [Fact]
    public async Task Topic_round_trip_in_json_output()
    {
        using var created = Json(await broker.RunAsync("-o", "json", "topic", "create", "payments", "--partitions", "2", "--config", "cleanup.policy=compact"));
        Assert.Equal("payments", created.RootElement.GetProperty("topic").GetString());
        Assert.Equal(2, created.RootElement.GetProperty("partitions").GetInt32());

        using var list = Json(await broker.RunAsync("topic", "list", "--output", "json"));
        var listed = list.RootElement.GetProperty("topics").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "payments");
        Assert.Equal(2, listed.GetProperty("partitions").GetInt32());
        Assert.Equal(1, listed.GetProperty("replication_factor").GetInt32());

        using var described = Json(await broker.RunAsync("-o", "json", "topic", "describe", "payments"));
        var partitions = described.RootElement.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal([0, 1], partitions.Select(p => p.GetProperty("partition").GetInt32()));
        Assert.All(partitions, p => Assert.Equal(1, p.GetProperty("leader").GetInt32()));
        Assert.All(partitions, p => Assert.Equal([1], p.GetProperty("isr").EnumerateArray().Select(r => r.GetInt32())));
        Assert.Equal("compact", described.RootElement.GetProperty("configs").GetProperty("cleanup.policy").GetString());

        using var grown = Json(await broker.RunAsync("-o", "json", "topic", "add-partitions", "payments", "--total", "4"));
        Assert.Equal(4, grown.RootElement.GetProperty("partitions").GetInt32());

        using var altered = Json(await broker.RunAsync("-o", "json", "topic", "config", "payments", "--set", "retention.ms=60000"));
        var entries = altered.RootElement.GetProperty("configs").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        Assert.Equal("60000", entries["retention.ms"].GetProperty("value").GetString());
        Assert.Equal("DYNAMIC_TOPIC_CONFIG", entries["retention.ms"].GetProperty("source").GetString());
        Assert.Equal("STATIC_BROKER_CONFIG", entries["segment.bytes"].GetProperty("source").GetString());
        Assert.Equal("1073741824", entries["segment.bytes"].GetProperty("value").GetString());
        Assert.Equal("DEFAULT_CONFIG", entries["segment.ms"].GetProperty("source").GetString());

        using var deleted = Json(await broker.RunAsync("-o", "json", "topic", "delete", "payments"));
        Assert.True(deleted.RootElement.GetProperty("deleted").GetBoolean());
        using var after = Json(await broker.RunAsync("-o", "json", "topic", "list"));
        Assert.DoesNotContain(after.RootElement.GetProperty("topics").EnumerateArray(), t => t.GetProperty("name").GetString() == "payments");
    }

    [Fact]
    public async Task Cluster_describe_names_the_broker_and_the_controller()
    {
        var text = await broker.RunAsync("cluster", "describe");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains(text.OutLines, l => Cells(l) is ["1", "127.0.0.1", var port, "-", "controller"] && broker.Bootstrap.EndsWith(":" + port, StringComparison.Ordinal));

        using var json = Json(await broker.RunAsync("-o", "json", "cluster", "describe"));
        Assert.Equal(1, json.RootElement.GetProperty("controller_id").GetInt32());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("cluster_id").GetString()));
        var only = Assert.Single(json.RootElement.GetProperty("brokers").EnumerateArray());
        Assert.Equal("127.0.0.1", only.GetProperty("host").GetString());
    }

    /// <summary>The cells of an ASCII table row ("| a | b |"); empty for borders and text lines.</summary>
    internal static string[] Cells(string line) => line.StartsWith('|') && !line.StartsWith("|-", StringComparison.Ordinal)
        ? line.Trim('|').Split('|').Select(c => c.Trim()).ToArray()
        : [];

    internal static JsonDocument Json(CliRun run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonDocument.Parse(Assert.Single(run.OutLines));
    }
}
