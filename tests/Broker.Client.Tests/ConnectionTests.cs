using Broker.Client.Internal;
using Broker.Client.Network;
using Broker.Client.Tests.Support;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.Metadata;

namespace Broker.Client.Tests;

/// <summary>The connection layer alone: pipelining, FIFO matching, failure of pending requests, reconnecting.</summary>
public class ConnectionTests
{
    private static readonly ConnectionSettings Settings = new("test", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), 5, ProtocolLimits.FrameBytesMaxDefault);

    [Fact]
    public async Task Pipelined_requests_are_answered_in_order()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("a", 1);
        cluster.CreateTopic("b", 2);
        await using var connection = await BrokerConnection.ConnectAsync(Endpoint(cluster), Settings, CancellationToken.None);

        var requests = Enumerable.Range(0, 50)
            .Select(i => connection.RequestAsync<MetadataRequest, MetadataResponse>(new MetadataRequest { Topics = [i % 2 == 0 ? "a" : "b"] }, CancellationToken.None))
            .ToList();
        var responses = await Task.WhenAll(requests);

        Assert.All(responses.Select((r, i) => (r, i)), x => Assert.Equal(x.i % 2 == 0 ? "a" : "b", Assert.Single(x.r.Topics).Name));
    }

    [Fact]
    public async Task A_dropped_connection_fails_every_pending_request_with_a_retriable_error()
    {
        await using var cluster = new FakeCluster();
        await using var connection = await BrokerConnection.ConnectAsync(Endpoint(cluster), Settings, CancellationToken.None);
        cluster.DropConnectionOn = api => api == ApiKey.Metadata;

        var pending = Enumerable.Range(0, 3)
            .Select(_ => connection.RequestAsync<MetadataRequest, MetadataResponse>(new MetadataRequest { Topics = [] }, CancellationToken.None))
            .ToList();

        foreach (var request in pending)
        {
            var error = await Assert.ThrowsAsync<BrokerException>(() => request.WaitAsync(TestOptions.Wait));
            Assert.True(error.IsRetriable);
            Assert.Equal(ClientErrors.ConnectionLost, error.Code);
        }

        Assert.False(connection.IsUsable);
    }

    [Fact]
    public async Task The_pool_reconnects_on_the_next_use_after_a_drop()
    {
        await using var cluster = new FakeCluster();
        await using var pool = new ConnectionPool(Settings);
        var first = await pool.GetAsync(Endpoint(cluster), CancellationToken.None);
        cluster.DropAllConnections();
        await ProducerTests.WaitUntil(() =>
        {
            _ = first.RequestAsync<MetadataRequest, MetadataResponse>(new MetadataRequest { Topics = [] }, CancellationToken.None)
                .ContinueWith(t => t.Exception, TaskScheduler.Default);
            return !first.IsUsable;
        });

        var second = await pool.GetAsync(Endpoint(cluster), CancellationToken.None);
        var response = await second.RequestAsync<MetadataRequest, MetadataResponse>(new MetadataRequest { Topics = [] }, CancellationToken.None);

        Assert.NotSame(first, second);
        Assert.Equal("fake-cluster", response.ClusterId);
    }

    [Fact]
    public async Task A_request_without_a_response_in_time_breaks_the_connection()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        cluster.ProduceDelay = TimeSpan.FromSeconds(2);
        var settings = Settings with { RequestTimeout = TimeSpan.FromMilliseconds(200) };
        await using var connection = await BrokerConnection.ConnectAsync(Endpoint(cluster), settings, CancellationToken.None);

        var error = await Assert.ThrowsAsync<BrokerException>(() => connection.RequestAsync<Broker.Protocol.Messages.Produce.ProduceRequest, Broker.Protocol.Messages.Produce.ProduceResponse>(
            new Broker.Protocol.Messages.Produce.ProduceRequest { Topics = [] }, CancellationToken.None));

        Assert.Equal(ErrorCode.RequestTimedOut, error.Code);
        Assert.False(connection.IsUsable);
    }

    [Fact]
    public async Task Requests_beyond_the_in_flight_limit_wait_in_order_and_a_cancelled_one_leaves_the_connection_working()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        cluster.ProduceGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var connection = await BrokerConnection.ConnectAsync(Endpoint(cluster), Settings with { MaxInFlightRequests = 1 }, CancellationToken.None);
        var produce = new Broker.Protocol.Messages.Produce.ProduceRequest { Acks = Broker.Protocol.Messages.Produce.ProduceAcks.Leader, TimeoutMs = 5000, Topics = [] };

        // Held at the broker: the one slot is taken, so what follows waits unsent, in order.
        var held = connection.RequestAsync<Broker.Protocol.Messages.Produce.ProduceRequest, Broker.Protocol.Messages.Produce.ProduceResponse>(produce, CancellationToken.None);
        await ProducerTests.WaitUntil(() => cluster.ProduceRequestsPending == 1);
        using var cancel = new CancellationTokenSource();
        var cancelledUnsent = connection.RequestAsync<MetadataRequest, MetadataResponse>(new MetadataRequest { Topics = ["t"] }, cancel.Token);
        var after = connection.RequestAsync<MetadataRequest, MetadataResponse>(new MetadataRequest { Topics = ["t"] }, CancellationToken.None);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelledUnsent.WaitAsync(TestOptions.Wait));
        Assert.False(after.IsCompleted);
        cluster.ProduceGate.SetResult();

        await held.WaitAsync(TestOptions.Wait);
        Assert.Equal("t", Assert.Single((await after.WaitAsync(TestOptions.Wait)).Topics).Name);

        // Cancelled while on the wire: its caller stops waiting, its late response is dropped, the next one matches.
        cluster.ProduceGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancelInFlight = new CancellationTokenSource();
        var cancelledOnWire = connection.RequestAsync<Broker.Protocol.Messages.Produce.ProduceRequest, Broker.Protocol.Messages.Produce.ProduceResponse>(produce, cancelInFlight.Token);
        await ProducerTests.WaitUntil(() => cluster.ProduceRequestsPending == 1);
        await cancelInFlight.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelledOnWire.WaitAsync(TestOptions.Wait));
        var next = connection.RequestAsync<MetadataRequest, MetadataResponse>(new MetadataRequest { Topics = ["t"] }, CancellationToken.None);
        cluster.ProduceGate.SetResult();

        Assert.Equal("t", Assert.Single((await next.WaitAsync(TestOptions.Wait)).Topics).Name);
        Assert.True(connection.IsUsable);
    }

    [Fact]
    public async Task A_request_that_waits_for_a_slot_past_its_timeout_fails_alone_and_the_connection_stays()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        var settings = Settings with { RequestTimeout = TimeSpan.FromMilliseconds(300), MaxInFlightRequests = 1 };
        await using var connection = await BrokerConnection.ConnectAsync(Endpoint(cluster), settings, CancellationToken.None);

        // A long poll on an empty partition takes the only slot for 2 s, within its own (lengthened) timeout.
        var longPoll = connection.SendAsync(
            new FetchRequest { MaxWaitMs = 2000, MinBytes = 1, MaxBytes = 1024, Topics = [new FetchRequestTopic { Name = "t", Partitions = [new FetchRequestPartition { PartitionMaxBytes = 1024 }] }] },
            expectsResponse: true, TimeSpan.FromSeconds(5), CancellationToken.None);
        var behind = connection.RequestAsync<MetadataRequest, MetadataResponse>(new MetadataRequest { Topics = ["t"] }, CancellationToken.None);

        var error = await Assert.ThrowsAsync<BrokerException>(() => behind.WaitAsync(TestOptions.Wait));
        Assert.Equal(ErrorCode.RequestTimedOut, error.Code);
        Assert.False(longPoll.IsCompleted);
        Assert.True(connection.IsUsable);

        (await longPoll.WaitAsync(TestOptions.Wait)).Frame.Dispose();
        var after = await connection.RequestAsync<MetadataRequest, MetadataResponse>(new MetadataRequest { Topics = ["t"] }, CancellationToken.None);
        Assert.Equal("t", Assert.Single(after.Topics).Name);
    }

    [Fact]
    public async Task An_unreachable_broker_is_a_retriable_connection_error()
    {
        var error = await Assert.ThrowsAsync<BrokerException>(() => BrokerConnection.ConnectAsync(new BrokerEndpoint("127.0.0.1", 1), Settings, CancellationToken.None));
        Assert.True(error.IsRetriable);
        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broker_without_a_common_version_is_named_in_the_error()
    {
        var negotiation = ApiVersionNegotiation.Negotiate([new ApiVersionRange(ApiKey.Produce, 3, 5)]);
        var error = Assert.Throws<BrokerException>(() => negotiation.VersionFor(ApiKey.Produce, new BrokerEndpoint("b", 1)));
        Assert.Equal(ErrorCode.UnsupportedVersion, error.Code);
        Assert.Contains("versions 3-5", error.Message, StringComparison.Ordinal);
        Assert.Throws<BrokerException>(() => negotiation.VersionFor(ApiKey.Fetch, new BrokerEndpoint("b", 1)));
    }

    private static BrokerEndpoint Endpoint(FakeCluster cluster) => new("127.0.0.1", cluster.Brokers[0].Port);
}
