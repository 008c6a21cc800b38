using Broker.Core.Errors;
using Broker.Protocol.Messages.ApiVersions;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.Produce;
using Broker.Server.Hosting;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests;

public sealed class HostingTests
{
    [Fact]
    public async Task Health_and_metrics_are_served_over_http()
    {
        await using var broker = await TestBroker.StartAsync();
        using (var client = broker.Connect())
        {
            await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("metered", 2));
            await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("metered", 0, Requests.Batch(5)));
            await client.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(new ApiVersionsRequest());
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://{broker.Host.HttpEndPoint}") };
        var health = await http.GetStringAsync(new Uri("/health", UriKind.Relative));
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Contains("\"status\":\"ok\"", health, StringComparison.Ordinal);
        Assert.Contains("\"partitions\":2", health, StringComparison.Ordinal);
        Assert.Contains("broker_requests_total{api=\"Produce\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("broker_partitions 2", metrics, StringComparison.Ordinal);
        Assert.Contains("broker_log_end_offset{partition=\"0\",topic=\"metered\"} 5", metrics, StringComparison.Ordinal);
        Assert.Matches("broker_bytes_in_total\\{topic=\"metered\"\\} [1-9]", metrics);
        Assert.Contains("broker_request_duration_bucket{api=\"Produce\",le=\"+Inf\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_broker_does_not_watch_its_working_directory_for_changes()
    {
        // ./data sits in the working directory by default: a recursive watcher there would wake on every append.
        Assert.True(OperatingSystem.IsLinux(), "inotify watches are counted through /proc (Linux)");
        var before = InotifyWatches();
        await using var broker = await TestBroker.StartAsync();
        using (var client = broker.Connect())
        {
            await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("unwatched", 1));
            await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("unwatched", 0, Requests.Batch(5)));
        }

        Assert.Equal(before, InotifyWatches());
    }

    [Fact]
    public async Task A_partition_whose_log_could_not_be_opened_is_tried_again_at_the_next_metadata_change()
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = broker.Connect();
        // A file where the partition's directory goes: opening its log fails.
        var blocker = Broker.Storage.LogFileNames.PartitionDirectory(broker.DataDir, new Broker.Core.TopicPartition("blocked", 0));
        await File.WriteAllTextAsync(blocker, "in the way");
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("blocked", 1));
        var refused = await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("blocked", 0, Requests.Batch(1)));
        Assert.NotEqual(ErrorCode.None, refused.Topics[0].Partitions[0].ErrorCode);

        File.Delete(blocker);
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("unrelated", 1));
        var produced = await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("blocked", 0, Requests.Batch(1)));

        Assert.Equal(ErrorCode.None, produced.Topics[0].Partitions[0].ErrorCode);
    }

    [Fact]
    public async Task An_idle_connection_is_closed_and_a_busy_one_is_not()
    {
        // A 2 s timeout against a request every 100 ms: a 20x margin, so a loaded machine does not close the busy one.
        await using var broker = await TestBroker.StartAsync("--ConnectionIdleTimeoutMs=2000");
        using var idle = broker.Connect();
        using var busy = broker.Connect();
        for (var i = 0; i < 30; i++)
        {
            await busy.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(new ApiVersionsRequest());
            await Task.Delay(100);
        }

        Assert.True(await idle.IsClosedByServerAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(ErrorCode.None, (await busy.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(new ApiVersionsRequest())).ErrorCode);
    }

    [Fact]
    public async Task A_data_directory_of_another_node_is_refused_at_start()
    {
        await using var broker = await TestBroker.StartAsync();
        var dataDir = broker.DataDir;
        await broker.Host.StopAsync();

        var error = await Assert.ThrowsAsync<BrokerException>(() => BrokerHost.StartAsync(["--data-dir", dataDir, "--node-id", "7", "--listen", "127.0.0.1:0", "--http-listen", "", "--Logging:LogLevel:Default=None"]));
        Assert.Equal(ErrorCode.InvalidConfig, error.Code);
        Assert.Contains("node 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--listen", "nonsense")]
    [InlineData("--TopicDefaults:retention.ms", "soon")]
    [InlineData("--TopicDefaults:no.such.config", "1")]
    [InlineData("--Groups:HeartbeatIntervalMs", "0")]
    [InlineData("--Groups:SessionTimeoutMs", "100")]
    [InlineData("--Groups:DefaultAssignor", "sticky")]
    [InlineData("--Groups:OffsetsTopicPartitions", "0")]
    [InlineData("--PageCacheWindowBytes", "4096")]
    [InlineData("--WritebackBytes", "100")]
    public async Task Bad_settings_are_refused_at_start_with_a_reason(string key, string value)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "broker-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var error = await Assert.ThrowsAsync<BrokerException>(() => BrokerHost.StartAsync(["--data-dir", dataDir, "--listen", "127.0.0.1:0", "--http-listen", "", key, value, "--Logging:LogLevel:Default=None"]));
            Assert.Equal(ErrorCode.InvalidConfig, error.Code);
        }
        finally
        {
            if (Directory.Exists(dataDir))
            {
                Directory.Delete(dataDir, recursive: true);
            }
        }
    }

    /// <summary>inotify watches this process holds, from /proc/self/fdinfo.</summary>
    private static int InotifyWatches()
    {
        var count = 0;
        foreach (var info in Directory.EnumerateFiles("/proc/self/fdinfo"))
        {
            try
            {
                count += File.ReadLines(info).Count(line => line.StartsWith("inotify wd:", StringComparison.Ordinal));
            }
            catch (IOException)
            {
                // The descriptor closed while listing.
            }
        }

        return count;
    }
}
