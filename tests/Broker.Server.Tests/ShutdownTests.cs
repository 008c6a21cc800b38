using Broker.Core.Errors;
using Broker.Protocol.Messages.ApiVersions;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.ListOffsets;
using Broker.Protocol.Messages.Metadata;
using Broker.Protocol.Messages.Produce;
using Broker.Server.Tests.Support;
using Broker.Storage;

namespace Broker.Server.Tests;

/// <summary>
/// Graceful shutdown as a client sees it: the broker stops accepting, answers every request it has already received
/// on each connection, in order (a fetch waiting for data at once, with what there is), closes the connection, and
/// leaves the clean-shutdown marker.
/// </summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task On_shutdown_a_waiting_fetch_and_the_requests_pipelined_behind_it_are_answered_in_order()
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("draining", 1));
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("durable", 1, ("flush", "always")));
        await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("draining", 0, Requests.Batch(3)));

        // A fetch past the end with a 30 s wait, and requests pipelined behind it, received but not yet handled: ones
        // answered on the I/O thread, a produce that waits for its fsync (flush=always), and a topic creation that
        // waits for the metadata log on the thread pool.
        var fetch = await client.SendOnlyAsync(Requests.Fetch("draining", 0, offset: 3, maxWaitMs: 30_000, minBytes: 1));
        var versions = await client.SendOnlyAsync(new ApiVersionsRequest());
        var durable = await client.SendOnlyAsync(Requests.Produce("durable", 0, Requests.Batch(2)));
        var create = await client.SendOnlyAsync(Requests.CreateTopic("created-while-stopping", 1));
        var offsets = await client.SendOnlyAsync(new ListOffsetsRequest
        {
            Topics = [new ListOffsetsRequestTopic { Name = "draining", Partitions = [new ListOffsetsRequestPartition { PartitionIndex = 0, Timestamp = -1 }] }],
        });
        await Task.Delay(300); // let the server receive them; the fetch is waiting by now

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var stopping = broker.Host.StopAsync();

        var answers = new List<int>();
        while (await client.ReadFrameAsync() is { } frame)
        {
            answers.Add(frame.CorrelationId);
            if (frame.CorrelationId == durable)
            {
                var appended = frame.ReadBody<ProduceResponse>(0).Topics[0].Partitions[0];
                Assert.Equal((ErrorCode.None, 0L), (appended.ErrorCode, appended.BaseOffset));
            }
            else if (frame.CorrelationId == create)
            {
                Assert.Equal(ErrorCode.None, frame.ReadBody<CreateTopicsResponse>(0).Topics[0].ErrorCode);
            }
            else if (frame.CorrelationId == offsets)
            {
                Assert.Equal(3, frame.ReadBody<ListOffsetsResponse>(0).Topics[0].Partitions[0].Offset);
            }
        }

        // All answered, in request order, and then the connection closed (ReadFrameAsync gave null).
        Assert.Equal([fetch, versions, durable, create, offsets], answers);
        await stopping.WaitAsync(TimeSpan.FromSeconds(60));
        // The fetch did not sit out its 30 s wait.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"the stop took {stopwatch.Elapsed}");
        Assert.True(File.Exists(Path.Combine(broker.DataDir, LogFileNames.CleanShutdownMarker)));
    }
}
