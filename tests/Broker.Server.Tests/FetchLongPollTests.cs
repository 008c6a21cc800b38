using System.Buffers;
using System.Diagnostics;
using Broker.Core.Errors;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages.ApiVersions;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.Produce;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests;

/// <summary>Fetch's long poll over real sockets: a fetch short of min_bytes waits for appends from other connections,
/// up to max_wait_ms.</summary>
public sealed class FetchLongPollTests : IAsyncLifetime
{
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task A_fetch_short_of_min_bytes_waits_and_returns_once_another_connection_appends_enough()
    {
        using var consumer = _broker.Connect();
        using var producer = _broker.Connect();
        await producer.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("polled", 1));
        var first = Requests.Batch(1);
        var second = Requests.Batch(1, first: 1);
        var third = Requests.Batch(10, first: 2, valueBytes: 100);
        await producer.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("polled", 0, first));
        var minBytes = first.Length + second.Length + 1;

        // ApiVersions and the fetch in one write: the broker reads the log for the fetch before it flushes the
        // ApiVersions answer (it flushes when the fetch starts to wait, or with the fetch's own answer). So once that
        // answer is here, the fetch has seen the log with only the first batch in it.
        var watch = Stopwatch.StartNew();
        var pipelined = new ArrayBufferWriter<byte>();
        FrameWriter.WriteRequest(pipelined, 101, "raw-test", 0, new ApiVersionsRequest());
        FrameWriter.WriteRequest(pipelined, 102, "raw-test", 0, Requests.Fetch("polled", 0, 0, maxWaitMs: 10_000, minBytes: minBytes));
        await consumer.SendBytesAsync(pipelined.WrittenMemory);
        using (var versions = await consumer.ReadFrameAsync().WaitAsync(TimeSpan.FromSeconds(5)))
        {
            Assert.Equal(101, versions!.Value.CorrelationId);
        }

        // Still short of min_bytes after this append: a fetch that answered now would hold two batches only.
        await producer.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("polled", 0, second));
        await producer.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("polled", 0, third));

        using var frame = await consumer.ReadFrameAsync().WaitAsync(TimeSpan.FromSeconds(20));
        watch.Stop();
        Assert.Equal(102, frame!.Value.CorrelationId);
        var partition = frame.Value.ReadBody<FetchResponse>(0).Topics[0].Partitions[0];
        // Answered after the last append (it holds its records), and long before the 10 s max wait ran out.
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), Requests.Records(partition).Select(r => r.Offset));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"answered after {watch.Elapsed}");
    }

    [Fact]
    public async Task A_fetch_with_no_data_returns_empty_once_its_max_wait_has_passed()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("idle", 1));

        var watch = Stopwatch.StartNew();
        var fetched = await client.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("idle", 0, 0, maxWaitMs: 200, minBytes: 1));
        watch.Stop();

        var partition = fetched.Topics[0].Partitions[0];
        Assert.Equal((ErrorCode.None, 0L, 0), (partition.ErrorCode, partition.HighWatermark, partition.Records.Length));
        // The broker's deadline starts after this watch did, on the same clock: it cannot have answered sooner.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(200), $"answered after {watch.Elapsed}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"answered after {watch.Elapsed}");
    }

    [Fact]
    public async Task A_fetch_short_of_min_bytes_returns_what_there_is_once_its_max_wait_has_passed()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("sparse", 1));
        var batch = Requests.Batch(2);
        await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("sparse", 0, batch));

        var watch = Stopwatch.StartNew();
        var fetched = await client.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("sparse", 0, 0, maxWaitMs: 200, minBytes: batch.Length + 1));
        watch.Stop();

        Assert.Equal([0L, 1L], Requests.Records(fetched.Topics[0].Partitions[0]).Select(r => r.Offset));
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(200), $"answered after {watch.Elapsed}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"answered after {watch.Elapsed}");
    }
}
