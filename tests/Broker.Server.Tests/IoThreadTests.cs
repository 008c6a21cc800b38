using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Broker.Controller.Metadata;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages.ApiVersions;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.DeleteTopics;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.FindCoordinator;
using Broker.Protocol.Messages.InitProducerId;
using Broker.Protocol.Messages.ListGroups;
using Broker.Protocol.Messages.Metadata;
using Broker.Protocol.Messages.Produce;
using Broker.Server.Hosting;
using Broker.Server.Tests.Support;
using Broker.Storage;
using Broker.Storage.Tests;

namespace Broker.Server.Tests;

/// <summary>
/// InlineIoScheduling (docs/server.md, Threads): requests are handled on the socket I/O threads, which serve every
/// connection, and nothing that may block runs there. This test process runs socket completions on those threads as
/// the broker executable does (inline-io.runsettings). The tests hold a slow operation in flight for as long as they
/// like and check that other connections are answered meanwhile: were the operation on an I/O thread, the connections
/// on that thread would get nothing until it ended.
/// </summary>
public sealed class IoThreadTests
{
    private const string SocketThread = ".NET Sockets";

    private static readonly TimeSpan AnswersWithin = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Requests_are_handled_on_the_socket_threads_and_those_that_may_block_on_the_thread_pool()
    {
        Assert.Equal("1", Environment.GetEnvironmentVariable(BrokerHost.InlineCompletionsVariable)); // inline-io.runsettings
        await using var broker = await TestBroker.StartAsync();
        using var threads = new RequestThreads(broker);
        using var client = broker.Connect();
        await client.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(new ApiVersionsRequest());
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(new CreateTopicsRequest { Topics = Requests.CreateTopic("checked", 3).Topics, ValidateOnly = true });
        await client.SendAsync<ListGroupsRequest, ListGroupsResponse>(new ListGroupsRequest());
        await client.SendAsync<InitProducerIdRequest, InitProducerIdResponse>(new InitProducerIdRequest());
        await client.SendAsync<FindCoordinatorRequest, FindCoordinatorResponse>(new FindCoordinatorRequest { Key = "placed" });
        for (var i = 0; i < 10; i++)
        {
            await client.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(new ApiVersionsRequest());
        }

        // The first request after a hop may be read before the loop is back on an I/O thread; the next ones are not.
        Assert.Contains((SocketThread, false), threads.Of("ApiVersions"));
        Assert.All(threads.Of("CreateTopics"), thread => Assert.True(thread.Pool));
        Assert.All(threads.Of("ListGroups"), thread => Assert.True(thread.Pool));
        Assert.All(threads.Of("InitProducerId"), thread => Assert.True(thread.Pool)); // may write to the metadata log
        Assert.All(threads.Of("FindCoordinator"), thread => Assert.True(thread.Pool)); // may create __consumer_offsets
        Assert.Single(threads.Of("CreateTopics"));
        Assert.Single(threads.Of("InitProducerId"));
        Assert.Single(threads.Of("FindCoordinator"));
    }

    [Fact]
    public async Task With_inline_scheduling_off_requests_are_handled_on_the_thread_pool()
    {
        await using var broker = await TestBroker.StartAsync("--InlineIoScheduling=false");
        using var threads = new RequestThreads(broker);
        using var client = broker.Connect();
        for (var i = 0; i < 10; i++)
        {
            await client.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(new ApiVersionsRequest());
        }

        Assert.Equal(10, threads.Of("ApiVersions").Count);
        Assert.All(threads.Of("ApiVersions"), thread => Assert.True(thread.Pool));
    }

    [Fact]
    public async Task A_waiting_fetch_is_answered_on_the_socket_thread_of_the_produce_that_wakes_it()
    {
        await using var broker = await TestBroker.StartAsync();
        using var threads = new RequestThreads(broker);
        using var consumer = broker.Connect();
        using var producer = broker.Connect();
        await producer.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("tail", 1));
        for (var round = 1; round <= 3; round++)
        {
            var waiting = consumer.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("tail", 0, round - 1, maxWaitMs: 30_000, minBytes: 1));
            await Task.Delay(100);
            Assert.False(waiting.IsCompleted);
            await producer.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("tail", 0, Requests.Batch(1)));
            var fetched = await waiting.WaitAsync(AnswersWithin);
            Assert.Single(Requests.Records(fetched.Topics[0].Partitions[0]));
        }

        // The append woke each fetch where it ran, with no hop to a pool thread (DataSignal): the fetches finished
        // on an I/O thread. (Before the change they all finished on the pool.)
        Assert.Equal(3, threads.Of("Fetch").Count);
        Assert.All(threads.Of("Fetch"), thread => Assert.Equal((SocketThread, false), thread));
    }

    [Fact]
    public async Task Other_connections_are_answered_while_a_topic_deletion_is_in_flight()
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("doomed", 8));

        // The deletion is held where its slow part runs (closing and deleting the partition logs, on the image change).
        var controller = broker.Host.Runtime.Controller;
        using var release = new ManualResetEventSlim();
        var deleting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var heldToTheEnd = false;
        void HoldDeletion(MetadataImage previous, MetadataImage next)
        {
            if (previous.Topics.ContainsKey("doomed") && !next.Topics.ContainsKey("doomed"))
            {
                deleting.TrySetResult();
                heldToTheEnd = release.Wait(TimeSpan.FromSeconds(30));
            }
        }

        controller.ImageChanged += HoldDeletion;
        try
        {
            // Pipelined behind an ApiVersions, in one write: its answer goes out before the deletion starts.
            var pipelined = new ArrayBufferWriter<byte>();
            FrameWriter.WriteRequest(pipelined, 101, "raw-test", 0, new ApiVersionsRequest());
            FrameWriter.WriteRequest(pipelined, 102, "raw-test", 0, new DeleteTopicsRequest { TopicNames = ["doomed"], TimeoutMs = 30_000 });
            await client.SendBytesAsync(pipelined.WrittenMemory);
            await deleting.Task.WaitAsync(AnswersWithin);
            using (var versions = await client.ReadFrameAsync().WaitAsync(AnswersWithin))
            {
                Assert.Equal(101, versions!.Value.CorrelationId);
            }

            await AnswerOnOtherConnectionsAsync(broker);

            release.Set();
            using var deleted = await client.ReadFrameAsync() ?? throw new IOException("The server closed the connection.");
            Assert.True(heldToTheEnd, "the deletion was not in flight while the other connections were answered");
            Assert.Equal(102, deleted.CorrelationId);
            Assert.Equal(ErrorCode.None, Assert.Single(deleted.ReadBody<DeleteTopicsResponse>(0).Topics).ErrorCode);
        }
        finally
        {
            release.Set();
            controller.ImageChanged -= HoldDeletion;
        }
    }

    [Fact]
    public async Task Other_connections_are_answered_while_a_produce_waits_for_a_busy_log()
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("busy", 1));
        await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("busy", 0, Requests.Batch(2)));

        // As compaction's swap does while it fsyncs the partition directory.
        var log = broker.Host.Runtime.Logs.GetLog(new TopicPartition("busy", 0))!;
        using var holder = LockHolder.Hold(log.WriterLock);
        await client.SendOnlyAsync(Requests.Produce("busy", 0, Requests.Batch(3)));
        var produced = client.ReadFrameAsync();

        await AnswerOnOtherConnectionsAsync(broker);

        Assert.True(holder.IsHolding, "the log was not busy while the other connections were answered");
        Assert.False(produced.IsCompleted);
        holder.Release();
        using var frame = await produced ?? throw new IOException("The server closed the connection.");
        var partition = Assert.Single(Assert.Single(frame.ReadBody<ProduceResponse>(0).Topics).Partitions);
        Assert.Equal(ErrorCode.None, partition.ErrorCode);
        Assert.Equal(2, partition.BaseOffset);
    }

    [Fact]
    public async Task A_produce_waiting_for_a_busy_log_does_not_hold_back_the_answer_pipelined_before_it()
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("held", 1));
        var log = broker.Host.Runtime.Logs.GetLog(new TopicPartition("held", 0))!;
        using var holder = LockHolder.Hold(log.WriterLock);

        var pipelined = new ArrayBufferWriter<byte>();
        FrameWriter.WriteRequest(pipelined, 201, "raw-test", 0, new ApiVersionsRequest());
        FrameWriter.WriteRequest(pipelined, 202, "raw-test", 0, Requests.Produce("held", 0, Requests.Batch(2)));
        await client.SendBytesAsync(pipelined.WrittenMemory);

        using (var versions = await client.ReadFrameAsync().WaitAsync(AnswersWithin))
        {
            Assert.Equal(201, versions!.Value.CorrelationId);
        }

        Assert.True(holder.IsHolding, "the produce was not waiting for the log when the earlier answer came");
        holder.Release();
        using var produced = await client.ReadFrameAsync().WaitAsync(AnswersWithin) ?? throw new IOException("The server closed the connection.");
        Assert.Equal(202, produced.CorrelationId);
    }

    [Fact]
    public async Task A_new_partition_records_its_leader_epoch_when_created_not_in_its_first_produce()
    {
        // The record is a durable file write (two fsyncs): the first produce to each partition would make it on the
        // I/O thread.
        await using var broker = await TestBroker.StartAsync();
        using var client = broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("fresh", 2));

        var log = broker.Host.Runtime.Logs.GetLog(new TopicPartition("fresh", 1))!;
        Assert.Equal([new EpochEntry(0, 0)], log.LeaderEpochs.Entries);
        Assert.Equal(0, log.LogEndOffset);
    }

    /// <summary>Fifty Metadata answers on each of several new connections. The process has a socket thread per core
    /// and sockets take them in turn, so with twice as many connections as cores some share each thread.</summary>
    private static async Task AnswerOnOtherConnectionsAsync(TestBroker broker)
    {
        var others = Enumerable.Range(0, Math.Max(4, 2 * Environment.ProcessorCount)).Select(_ => broker.Connect()).ToList();
        try
        {
            var answered = others.Select(async other =>
            {
                for (var i = 0; i < 50; i++)
                {
                    var metadata = await other.SendAsync<MetadataRequest, MetadataResponse>(new MetadataRequest { Topics = [] });
                    Assert.Equal(broker.Host.Runtime.Options.NodeId, metadata.ControllerId);
                }
            });
            await Task.WhenAll(answered).WaitAsync(AnswersWithin);
        }
        finally
        {
            others.ForEach(other => other.Dispose());
        }
    }

    /// <summary>The thread each request of one broker was handled on: the request duration is recorded there, and a
    /// listener's callback runs on the recording thread.</summary>
    private sealed class RequestThreads : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Api, string? Thread, bool Pool)> _seen = new();

        public RequestThreads(TestBroker broker)
        {
            var meter = broker.Host.Runtime.Metrics.Meter;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter == meter && instrument.Name == "broker.request.duration")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "api")
                    {
                        _seen.Enqueue(((string)tag.Value!, Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread));
                    }
                }
            });
            _listener.Start();
        }

        public List<(string? Thread, bool Pool)> Of(string api) => [.. _seen.Where(s => s.Api == api).Select(s => (s.Thread, s.Pool))];

        public void Dispose() => _listener.Dispose();
    }
}
