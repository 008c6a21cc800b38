using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Broker.Cli.Tests.Support;

namespace Broker.Cli.Tests;

public sealed class ProduceConsumeTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    private const int Lines = 200;

    [Fact]
    public async Task Produced_lines_are_consumed_back_in_order_with_keys_and_offsets()
    {
        await CreateTopicAsync("lines", partitions: 1);
        var input = string.Join('\n', Enumerable.Range(0, Lines).Select(i => $"value-{i} é")) + "\n";
        var produced = await broker.RunWithInputAsync(input, "produce", "lines", "--key", "k1", "--acks", "1");
        Assert.True(produced.ExitCode == 0, produced.ToString());
        Assert.Equal($"Produced {Lines} records to lines (last at partition 0, offset {Lines - 1}).", Assert.Single(produced.ErrorLines));

        var consumed = await broker.RunAsync("consume", "lines", "--from-beginning", "--max-messages", $"{Lines}", "--print-key", "--print-offset");
        Assert.True(consumed.ExitCode == 0, consumed.ToString());
        Assert.Equal(Enumerable.Range(0, Lines).Select(i => $"{i}\tk1\tvalue-{i} é"), consumed.OutLines);
        Assert.Equal($"Processed a total of {Lines} messages", Assert.Single(consumed.ErrorLines));
    }

    [Fact]
    public async Task Consume_prints_one_json_object_per_record()
    {
        await CreateTopicAsync("json-lines", partitions: 3);
        var input = string.Join('\n', Enumerable.Range(0, Lines).Select(i => $"key{i % 7}:value {i}"));
        var produced = await broker.RunWithInputAsync(input, "-o", "json", "produce", "json-lines", "--key-separator", ":");
        Assert.True(produced.ExitCode == 0, produced.ToString());
        using (var summary = JsonDocument.Parse(Assert.Single(produced.OutLines)))
        {
            Assert.Equal(Lines, summary.RootElement.GetProperty("records").GetInt32());
            Assert.Equal(0, summary.RootElement.GetProperty("failed").GetInt32());
        }

        var consumed = await broker.RunAsync("consume", "json-lines", "--from-beginning", "--max-messages", $"{Lines}", "--output", "json");
        Assert.True(consumed.ExitCode == 0, consumed.ToString());
        var records = consumed.OutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(Lines, records.Count);
        Assert.All(records, r => Assert.Equal("json-lines", r.GetProperty("topic").GetString()));
        Assert.All(records, r => Assert.True(r.GetProperty("timestamp").GetInt64() > 0));
        var byValue = records.ToDictionary(r => r.GetProperty("value").GetString()!);
        for (var i = 0; i < Lines; i++)
        {
            Assert.Equal($"key{i % 7}", byValue[$"value {i}"].GetProperty("key").GetString());
        }

        // One key, one partition; each partition's offsets are 0, 1, 2, ... and its records keep the input order.
        Assert.All(records.GroupBy(r => r.GetProperty("key").GetString()), key => Assert.Single(key.Select(r => r.GetProperty("partition").GetInt32()).Distinct()));
        foreach (var partition in records.GroupBy(r => r.GetProperty("partition").GetInt32()))
        {
            Assert.Equal(Enumerable.Range(0, partition.Count()).Select(i => (long)i), partition.Select(r => r.GetProperty("offset").GetInt64()));
            var inputOrder = partition.Select(r => int.Parse(r.GetProperty("value").GetString()!["value ".Length..], CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(inputOrder.Order(), inputOrder);
        }
    }

    [Fact]
    public async Task Consume_of_one_partition_prints_only_its_records()
    {
        await CreateTopicAsync("split", partitions: 2);
        Assert.Equal(0, (await broker.RunWithInputAsync("a\nb\n", "produce", "split", "--partition", "1")).ExitCode);
        Assert.Equal(0, (await broker.RunWithInputAsync("c\n", "produce", "split", "--partition", "0")).ExitCode);

        var consumed = await broker.RunAsync("consume", "split", "--partition", "1", "--from-beginning", "--timeout-ms", "1500", "--print-partition", "--print-offset");
        Assert.True(consumed.ExitCode == 0, consumed.ToString());
        Assert.Equal(["1\t0\ta", "1\t1\tb"], consumed.OutLines);
    }

    [Fact]
    public async Task Consume_with_timeout_exits_once_idle()
    {
        await CreateTopicAsync("quiet", partitions: 1);
        Assert.Equal(0, (await broker.RunWithInputAsync("one\ntwo\n", "produce", "quiet")).ExitCode);

        var clock = Stopwatch.StartNew();
        var consumed = await broker.RunAsync("consume", "quiet", "--from-beginning", "--timeout-ms", "1000");
        Assert.True(consumed.ExitCode == 0, consumed.ToString());
        Assert.Equal(["one", "two"], consumed.OutLines);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15));

        // Without --from-beginning only new records count: none arrive, so it ends after the timeout with nothing.
        var latest = await broker.RunAsync("consume", "quiet", "--timeout-ms", "500");
        Assert.True(latest.ExitCode == 0, latest.ToString());
        Assert.Empty(latest.OutLines);
        Assert.Equal("Processed a total of 0 messages", Assert.Single(latest.ErrorLines));
    }

    [Fact]
    public async Task Consume_stops_cleanly_when_cancelled()
    {
        await CreateTopicAsync("tail", partitions: 1);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(1500));
        var consumed = await CliRun.RunAsync(["--bootstrap", broker.Bootstrap, "consume", "tail"], cancellationToken: cancellation.Token);
        Assert.True(consumed.ExitCode == 0, consumed.ToString());
        Assert.Equal("Processed a total of 0 messages", Assert.Single(consumed.ErrorLines));
    }

    [Fact]
    public async Task Produce_with_a_missing_key_separator_fails_at_that_line()
    {
        await CreateTopicAsync("strict", partitions: 1);
        var produced = await broker.RunWithInputAsync("a:1\nb:2\nno separator\nc:3\n", "produce", "strict", "--key-separator", ":");
        Assert.Equal(1, produced.ExitCode);
        Assert.Equal("brokerctl: line 3 has no key separator ':'; the 2 records before it were delivered", Assert.Single(produced.ErrorLines));

        // The lines before it were delivered; the ones after it were not read.
        var consumed = await broker.RunAsync("consume", "strict", "--from-beginning", "--timeout-ms", "1000", "--print-key");
        Assert.Equal(["a\t1", "b\t2"], consumed.OutLines);
    }

    [Fact]
    public async Task Bootstrap_comes_from_the_environment_when_not_given()
    {
        await CreateTopicAsync("from-env", partitions: 1);
        var name = $"from-env-{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable("BROKER_BOOTSTRAP", broker.Bootstrap);
        try
        {
            var created = await CliRun.RunAsync(["topic", "create", name]);
            Assert.True(created.ExitCode == 0, created.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable("BROKER_BOOTSTRAP", null);
        }
    }

    private async Task CreateTopicAsync(string name, int partitions)
    {
        var created = await broker.RunAsync("topic", "create", name, "--partitions", $"{partitions}");
        Assert.True(created.ExitCode == 0, created.ToString());
    }
}
