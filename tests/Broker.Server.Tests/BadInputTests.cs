using System.Buffers.Binary;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Protocol.Messages.AlterConfigs;
using Broker.Protocol.Messages.ApiVersions;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.Metadata;
using Broker.Protocol.Messages.Produce;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests;

public sealed class BadInputTests : IAsyncLifetime
{
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync("--FrameBytesMax=1048576");

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Unknown_topic_is_an_error_per_partition()
    {
        using var client = _broker.Connect();
        var produced = await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("nope", 0, Requests.Batch(1)));
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, produced.Topics[0].Partitions[0].ErrorCode);
        var fetched = await client.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("nope", 0, 0));
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, fetched.Topics[0].Partitions[0].ErrorCode);
    }

    [Fact]
    public async Task Oversize_corrupt_or_badly_acked_batches_are_refused_and_nothing_is_appended()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("strict", 1, ("max.message.bytes", "1000")));

        var oversize = await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("strict", 0, Requests.Batch(5, valueBytes: 500)));
        var corrupt = Requests.Batch(2);
        corrupt[^1] ^= 0xFF;
        var damaged = await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("strict", 0, corrupt));
        var badAcks = await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("strict", 0, Requests.Batch(1), (ProduceAcks)5));

        Assert.Equal(ErrorCode.MessageTooLarge, oversize.Topics[0].Partitions[0].ErrorCode);
        Assert.Equal(ErrorCode.CorruptMessage, damaged.Topics[0].Partitions[0].ErrorCode);
        Assert.Equal(ErrorCode.InvalidRequiredAcks, badAcks.Topics[0].Partitions[0].ErrorCode);
        Assert.False(string.IsNullOrEmpty(oversize.Topics[0].Partitions[0].ErrorMessage));
        var fetched = await client.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("strict", 0, 0));
        Assert.Equal(0, fetched.Topics[0].Partitions[0].HighWatermark);
    }

    [Fact]
    public async Task A_topic_config_changed_at_run_time_applies_to_the_next_append()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("tunable", 1));
        var batch = Requests.Batch(5, valueBytes: 500);
        Assert.Equal(ErrorCode.None, (await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("tunable", 0, batch))).Topics[0].Partitions[0].ErrorCode);

        var altered = await client.SendAsync<AlterConfigsRequest, AlterConfigsResponse>(new AlterConfigsRequest
        {
            Resources = [new AlterConfigsRequestResource { ResourceName = "tunable", Configs = [new ConfigEntry("max.message.bytes", "1000")] }],
        });
        Assert.Equal(ErrorCode.None, Assert.Single(altered.Results).ErrorCode);

        var refused = await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("tunable", 0, batch));
        Assert.Equal(ErrorCode.MessageTooLarge, refused.Topics[0].Partitions[0].ErrorCode);
    }

    [Fact]
    public async Task A_compacted_topic_refuses_records_without_a_key()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("table", 1, ("cleanup.policy", "compact")));
        using var builder = new Broker.Core.Records.RecordBatchBuilder();
        builder.Append(1, null, "no key"u8.ToArray());

        var produced = await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("table", 0, builder.Seal().ToArray()));
        var keyed = await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("table", 0, Requests.Batch(2)));

        Assert.Equal(ErrorCode.InvalidRecord, produced.Topics[0].Partitions[0].ErrorCode);
        Assert.Equal((ErrorCode.None, 0L), (keyed.Topics[0].Partitions[0].ErrorCode, keyed.Topics[0].Partitions[0].BaseOffset));
    }

    [Fact]
    public async Task An_unsupported_version_gets_an_error_and_the_connection_stays_usable()
    {
        using var client = _broker.Connect();

        // A Metadata request claiming version 9: answered with UNSUPPORTED_VERSION from the header alone.
        var bytes = new System.Buffers.ArrayBufferWriter<byte>();
        Broker.Protocol.Framing.FrameWriter.WriteRequest(bytes, 77, "raw", 0, new MetadataRequest { Topics = [] });
        var frameBytes = bytes.WrittenSpan.ToArray();
        BinaryPrimitives.WriteInt16BigEndian(frameBytes.AsSpan(6), 9);
        await client.SendBytesAsync(frameBytes);
        using (var response = await client.ReadFrameAsync())
        {
            Assert.Equal(77, response!.Value.CorrelationId);
            Assert.Equal(ErrorCode.UnsupportedVersion, (ErrorCode)BinaryPrimitives.ReadInt16BigEndian(response.Value.Body.Span));
        }

        var versions = await client.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(new ApiVersionsRequest());
        Assert.Equal(ApiVersionsTable.Supported.Count, versions.ApiKeys.Count);
    }

    [Fact]
    public async Task A_frame_over_the_limit_closes_that_connection_only()
    {
        using var other = _broker.Connect();
        using var client = _broker.Connect();
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, 2_000_000);
        await client.SendBytesAsync(header);

        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(10)));
        var versions = await other.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(new ApiVersionsRequest());
        Assert.Equal(ErrorCode.None, versions.ErrorCode);
    }

    [Fact]
    public async Task A_negative_frame_size_closes_the_connection()
    {
        using var client = _broker.Connect();
        await client.SendBytesAsync(new byte[] { 0xFF, 0xFF, 0xFF, 0xF0 });
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(10)));
    }
}
