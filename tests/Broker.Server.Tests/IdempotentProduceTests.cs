using Broker.Core.Errors;
using Broker.Core.Records;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.InitProducerId;
using Broker.Protocol.Messages.Produce;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests;

/// <summary>The idempotent producer's broker side over real sockets: producer ids, and retries stored once.</summary>
public sealed class IdempotentProduceTests : IAsyncLifetime
{
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task A_retried_identical_batch_is_stored_once_and_acknowledged_with_the_same_offset()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("idem", 1));
        var producerId = await InitAsync(client);
        await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("idem", 0, Requests.Batch(2, first: 100)));
        var batch = Idempotent(Requests.Batch(3), producerId, 0, 0);

        var first = Partition(await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("idem", 0, batch, ProduceAcks.All)));
        var retry = Partition(await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("idem", 0, batch, ProduceAcks.All)));

        Assert.Equal((ErrorCode.None, 2L), (first.ErrorCode, first.BaseOffset));
        Assert.Equal((ErrorCode.None, 2L), (retry.ErrorCode, retry.BaseOffset));
        var fetched = await client.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("idem", 0, 0));
        Assert.Equal(5, fetched.Topics[0].Partitions[0].HighWatermark);
        Assert.Equal(["key-100", "key-101", "key-0", "key-1", "key-2"], Requests.Records(fetched.Topics[0].Partitions[0]).Select(r => r.Key));
    }

    [Fact]
    public async Task A_gap_and_an_old_epoch_are_refused_per_partition()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("seq", 1));
        var producerId = await InitAsync(client);
        await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("seq", 0, Idempotent(Requests.Batch(2), producerId, 1, 0)));

        var gap = Partition(await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("seq", 0, Idempotent(Requests.Batch(1), producerId, 1, 5))));
        var old = Partition(await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("seq", 0, Idempotent(Requests.Batch(1), producerId, 0, 2))));
        var unknown = Partition(await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("seq", 0, Idempotent(Requests.Batch(1), producerId + 1, 0, 7))));

        Assert.Equal((ErrorCode.OutOfOrderSequenceNumber, -1L), (gap.ErrorCode, gap.BaseOffset));
        Assert.Equal(ErrorCode.InvalidProducerEpoch, old.ErrorCode);
        Assert.Equal(ErrorCode.UnknownProducerId, unknown.ErrorCode);
        Assert.All([gap, old, unknown], p => Assert.False(string.IsNullOrEmpty(p.ErrorMessage)));
    }

    [Fact]
    public async Task Producer_ids_are_unique_and_never_reused_across_restarts_and_retries_stay_deduplicated()
    {
        long beforeRestart;
        var batch = Array.Empty<byte>();
        using (var client = _broker.Connect())
        {
            await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("ids", 1));
            var ids = new List<long>();
            for (var i = 0; i < 5; i++)
            {
                ids.Add(await InitAsync(client));
            }

            Assert.Equal(ids.Count, ids.Distinct().Count());
            beforeRestart = ids.Max();
            batch = Idempotent(Requests.Batch(2), ids[0], 0, 0);
            await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("ids", 0, batch));
        }

        await _broker.RestartAsync();

        using var again = _broker.Connect();
        var afterRestart = await InitAsync(again);
        Assert.True(afterRestart > beforeRestart, $"id {afterRestart} after the restart, {beforeRestart} before");
        var retry = Partition(await again.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("ids", 0, batch)));
        Assert.Equal((ErrorCode.None, 0L), (retry.ErrorCode, retry.BaseOffset));
        var fetched = await again.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("ids", 0, 0));
        Assert.Equal(2, fetched.Topics[0].Partitions[0].HighWatermark);
    }

    [Theory]
    [InlineData("tx", -1L, (short)-1)]
    [InlineData(null, 5L, (short)-1)]
    [InlineData(null, -1L, (short)0)]
    [InlineData(null, -7L, (short)-7)]
    public async Task Transactions_and_half_given_identities_are_refused(string? transactionalId, long producerId, short epoch)
    {
        using var client = _broker.Connect();
        var response = await client.SendAsync<InitProducerIdRequest, InitProducerIdResponse>(
            new InitProducerIdRequest { TransactionalId = transactionalId, ProducerId = producerId, ProducerEpoch = epoch });
        Assert.Equal((ErrorCode.InvalidRequest, -1L), (response.ErrorCode, response.ProducerId));
    }

    [Fact]
    public async Task A_producer_whose_epoch_ran_out_gets_a_new_id()
    {
        using var client = _broker.Connect();
        var first = await InitAsync(client);
        var response = await client.SendAsync<InitProducerIdRequest, InitProducerIdResponse>(
            new InitProducerIdRequest { ProducerId = first, ProducerEpoch = short.MaxValue });
        Assert.Equal(ErrorCode.None, response.ErrorCode);
        Assert.NotEqual(first, response.ProducerId);
        Assert.Equal(0, response.ProducerEpoch);
    }

    private static async Task<long> InitAsync(RawClient client)
    {
        var response = await client.SendAsync<InitProducerIdRequest, InitProducerIdResponse>(new InitProducerIdRequest());
        Assert.Equal(ErrorCode.None, response.ErrorCode);
        Assert.Equal(0, response.ProducerEpoch);
        return response.ProducerId;
    }

    private static byte[] Idempotent(byte[] batch, long producerId, short epoch, int baseSequence)
    {
        RecordBatch.SetProducer(batch, producerId, epoch, baseSequence);
        return batch;
    }

    private static ProduceResponsePartition Partition(ProduceResponse response) => response.Topics[0].Partitions[0];
}
