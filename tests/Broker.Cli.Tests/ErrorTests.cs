using System.Net;
using System.Net.Sockets;
using Broker.Cli.Tests.Support;

namespace Broker.Cli.Tests;

public sealed class ErrorTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Theory]
    [InlineData("topic", "describe", "missing")]
    [InlineData("consume", "missing", "--timeout-ms", "100")]
    [InlineData("produce", "missing")]
    [InlineData("consume", "missing", "--group", "g", "--timeout-ms", "100")]
    [InlineData("group", "reset-offsets", "g", "--topic", "missing", "--to-earliest")]
    [InlineData("perf", "consume", "--topic", "missing", "--messages", "10")]
    public async Task An_unknown_topic_is_one_line_and_exit_code_1(params string[] args)
    {
        var run = await broker.RunWithInputAsync("some input\n", args);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("brokerctl: topic 'missing' does not exist (UNKNOWN_TOPIC_OR_PARTITION)", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task A_config_value_the_broker_refuses_is_one_line_and_exit_code_1()
    {
        var run = await broker.RunAsync("topic", "create", "bad-config", "--config", "retention.ms=soon");
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("brokerctl: ", line, StringComparison.Ordinal);
        Assert.Contains("INVALID_CONFIG", line, StringComparison.Ordinal);
        Assert.Contains("retention.ms", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_the_broker_refuses_are_one_line_with_the_reason_and_exit_code_1()
    {
        Assert.Equal(0, (await broker.RunAsync("topic", "create", "small-records", "--config", "max.message.bytes=1000")).ExitCode);
        var run = await broker.RunWithInputAsync(new string('x', 3000) + "\n", "produce", "small-records", "--acks", "1");
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("brokerctl: 1 of 1 records were not delivered (0 were): ", line, StringComparison.Ordinal);
        Assert.Contains("MESSAGE_TOO_LARGE", line, StringComparison.Ordinal);
        Assert.Contains("max.message.bytes (1000)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_topic_twice_fails_the_second_time()
    {
        Assert.Equal(0, (await broker.RunAsync("topic", "create", "once")).ExitCode);
        Assert.Equal(0, (await broker.RunAsync("topic", "delete", "once")).ExitCode);
        var again = await broker.RunAsync("topic", "delete", "once");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("UNKNOWN_TOPIC_OR_PARTITION", Assert.Single(again.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_partition_that_does_not_exist_is_refused_before_anything_is_sent()
    {
        Assert.Equal(0, (await broker.RunAsync("topic", "create", "two", "--partitions", "2")).ExitCode);
        var run = await broker.RunWithInputAsync("x\n", "produce", "two", "--partition", "2");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("brokerctl: partition 2 does not exist: topic 'two' has 2 partitions", Assert.Single(run.ErrorLines));
    }

    [Theory]
    [InlineData("topic", "list")]
    [InlineData("cluster", "describe")]
    [InlineData("group", "list")]
    [InlineData("group", "describe", "g")]
    [InlineData("group", "delete", "g")]
    [InlineData("group", "reset-offsets", "g", "--topic", "t", "--to-earliest")]
    [InlineData("consume", "t", "--timeout-ms", "100")]
    [InlineData("consume", "t", "--group", "g", "--timeout-ms", "100")]
    [InlineData("produce", "t")]
    public async Task An_unreachable_bootstrap_is_one_line_and_exit_code_1(params string[] args)
    {
        var run = await CliRun.RunAsync(["--bootstrap", $"127.0.0.1:{ClosedPort()}", .. args], "x\n");
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("brokerctl: ", line, StringComparison.Ordinal);
        Assert.Contains("Could not connect", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("topic", "create")] // missing argument
    [InlineData("topic", "create", "x", "--partitions", "many")] // not a number
    [InlineData("topic", "create", "x", "--config", "retention.ms")] // not KEY=VALUE
    [InlineData("topic", "frobnicate")] // unknown command
    [InlineData("produce", "x", "--acks", "2")] // not 0, 1 or all
    [InlineData("perf", "produce", "--topic", "x")] // required options missing
    [InlineData("consume", "x", "--max-messages", "0")] // below the minimum
    [InlineData("--output", "yaml", "topic", "list")] // unknown format
    [InlineData("--bootstrap", "no-port", "topic", "list")] // not host:port
    [InlineData("group", "describe")] // missing group
    [InlineData("group", "reset-offsets", "g", "--topic", "t")] // no reset mode
    [InlineData("group", "reset-offsets", "g", "--topic", "t", "--to-earliest", "--to-latest")] // two modes
    [InlineData("group", "reset-offsets", "g", "--topic", "t", "--to-offset", "5", "--shift-by", "1")] // two modes
    [InlineData("group", "reset-offsets", "g", "--to-earliest")] // no topic
    [InlineData("group", "reset-offsets", "g", "--topic", "t", "--to-offset", "-1")] // below the minimum
    [InlineData("group", "reset-offsets", "g", "--topic", "t", "--shift-by", "a-lot")] // not a number
    [InlineData("group", "reset-offsets", "g", "--topic", "t", "--to-datetime", "yesterday")] // not ISO 8601
    [InlineData("group", "reset-offsets", "g", "--topic", "t", "--to-latest", "--execute", "--dry-run")] // contradictory
    [InlineData("consume", "x", "--group", "g", "--partition", "0")] // a member does not choose its partitions
    public async Task A_usage_error_is_exit_code_2_without_a_stack_trace(params string[] args)
    {
        var run = await CliRun.RunAsync(args);
        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("brokerctl: ", line, StringComparison.Ordinal);
        Assert.EndsWith("(see 'brokerctl --help', or add --help to the command)", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task Help_is_printed_to_stdout_with_exit_code_0()
    {
        var run = await CliRun.RunAsync(["consume", "--help"]);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--from-beginning", run.Out, StringComparison.Ordinal);
        Assert.Contains("--group", run.Out, StringComparison.Ordinal);
    }

    /// <summary>A port nothing listens on: bound once to get a free number, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
