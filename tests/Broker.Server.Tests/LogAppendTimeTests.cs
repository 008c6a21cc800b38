using Broker.Core.Errors;
using Broker.Core.Records;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.Produce;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests;

/// <summary>message.timestamp.type over real sockets: what Produce answers in log_append_time_ms and which timestamps
/// the stored batches carry.</summary>
public sealed class LogAppendTimeTests : IAsyncLifetime
{
    /// <summary>The producer's timestamps in <see cref="Requests.Batch"/>: November 2023, long before any test runs.</summary>
    private const long CreateTimeMs = 1_700_000_000_000;

    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task A_log_append_time_topic_answers_with_the_brokers_time_and_stores_it_on_the_batch()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("stamped", 1, ("message.timestamp.type", "LogAppendTime")));

        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var produced = (await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("stamped", 0, Requests.Batch(3)))).Topics[0].Partitions[0];
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.Equal(ErrorCode.None, produced.ErrorCode);
        Assert.InRange(produced.LogAppendTimeMs, before, after);
        var fetched = (await client.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("stamped", 0, 0))).Topics[0].Partitions[0];
        var header = RecordBatchHeader.Read(fetched.Records.Memory.Span);
        Assert.Equal((TimestampType.LogAppendTime, produced.LogAppendTimeMs), (header.TimestampType, header.MaxTimestamp));
        Assert.Equal([produced.LogAppendTimeMs, produced.LogAppendTimeMs, produced.LogAppendTimeMs], Timestamps(fetched));
    }

    [Fact]
    public async Task A_create_time_topic_answers_minus_one_and_keeps_the_producers_timestamps()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("created", 1));

        var produced = (await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("created", 0, Requests.Batch(3)))).Topics[0].Partitions[0];

        Assert.Equal((ErrorCode.None, -1L), (produced.ErrorCode, produced.LogAppendTimeMs));
        var fetched = (await client.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("created", 0, 0))).Topics[0].Partitions[0];
        Assert.Equal(TimestampType.CreateTime, RecordBatchHeader.Read(fetched.Records.Memory.Span).TimestampType);
        Assert.Equal([CreateTimeMs, CreateTimeMs + 1, CreateTimeMs + 2], Timestamps(fetched));
    }

    private static List<long> Timestamps(FetchResponsePartition partition)
    {
        var timestamps = new List<long>();
        using var reader = new RecordBatchReader();
        foreach (var batch in new RecordBatchEnumerator(partition.Records.Memory.Span))
        {
            foreach (var record in reader.Read(batch))
            {
                timestamps.Add(record.TimestampMs);
            }
        }

        return timestamps;
    }
}
