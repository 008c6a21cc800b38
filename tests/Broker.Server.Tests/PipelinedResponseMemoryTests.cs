using System.Buffers;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.Produce;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests;

/// <summary>
/// A client that pipelines many fetches and does not read the responses: the broker holds back, paced by the
/// client's reading, instead of building every response in memory first; and each request is still answered, in order.
/// </summary>
public sealed class PipelinedResponseMemoryTests
{
    private const int Requests = 500;

    [Fact]
    public async Task Responses_to_pipelined_fetches_a_client_does_not_read_are_not_all_held_in_memory()
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Support.Requests.CreateTopic("deep", 1));
        for (var i = 0; i < 10; i++)
        {
            await client.SendAsync<ProduceRequest, ProduceResponse>(Support.Requests.Produce("deep", 0, Support.Requests.Batch(1, first: i, valueBytes: 100_000)));
        }

        // 500 fetches of the whole megabyte, in one write: about 500 MB of responses if they were all built at once.
        var frames = new ArrayBufferWriter<byte>();
        for (var i = 0; i < Requests; i++)
        {
            FrameWriter.WriteRequest(frames, 1000 + i, "greedy", 0, Support.Requests.Fetch("deep", 0, 0));
        }

        var before = GC.GetTotalMemory(forceFullCollection: true);
        await client.SendBytesAsync(frames.WrittenMemory);
        await Task.Delay(1500); // the broker answers what the socket takes, then waits for the client to read
        var grown = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.True(grown < 128L << 20, $"memory grew by {grown >> 20} MiB while the responses went unread");

        for (var i = 0; i < Requests; i++)
        {
            using var frame = await client.ReadFrameAsync() ?? throw new IOException($"closed after {i} responses");
            Assert.Equal(1000 + i, frame.CorrelationId);
        }
    }
}
