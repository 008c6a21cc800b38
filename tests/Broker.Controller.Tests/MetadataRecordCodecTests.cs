using Broker.Controller.Metadata;
using Broker.Core.Buffers;
using Broker.Core.Errors;

namespace Broker.Controller.Tests;

public class MetadataRecordCodecTests
{
    public static TheoryData<MetadataRecord> Records => new()
    {
        new RegisterBrokerRecord(3, "broker-3.local", 9192, "rack-a", 17),
        new RegisterBrokerRecord(1, "127.0.0.1", 1, null, 0),
        new FenceBrokerRecord(2, 5),
        new UnfenceBrokerRecord(2, 6),
        new TopicRecord("orders", Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e")),
        new PartitionRecord(Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"), 4, [1, 2, 3], [1, 3], 1, 9),
        new PartitionChangeRecord(Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"), 4, 3, null),
        new PartitionChangeRecord(Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"), 4, null, [3]),
        new RemoveTopicRecord(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e")),
        new ConfigRecord(ConfigResourceType.Topic, "orders", "retention.ms", "1000"),
        new ConfigRecord(ConfigResourceType.Topic, "orders", "retention.ms", null),
        new ProducerIdsRecord(2, 41, 3000),
    };

    [Theory]
    [MemberData(nameof(Records))]
    public void Every_record_type_round_trips(MetadataRecord record)
    {
        var decoded = RoundTrip(record);
        Assert.Equal(record.GetType(), decoded.GetType());
        Assert.Equal(Describe(record), Describe(decoded));
    }

    [Fact]
    public void Truncated_or_unknown_bytes_are_a_corrupt_log_not_a_crash()
    {
        using var output = new PooledBufferWriter();
        MetadataRecordCodec.Write(new PartitionRecord(Guid.NewGuid(), 0, [1], [1], 1, 0), output);
        var bytes = output.WrittenSpan.ToArray();
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Equal(ErrorCode.CorruptMessage, Assert.Throws<BrokerException>(() => MetadataRecordCodec.Read(bytes.AsMemory(0, length))).Code);
        }

        Assert.Equal(ErrorCode.CorruptMessage, Assert.Throws<BrokerException>(() => MetadataRecordCodec.Read(new byte[] { 99, 0 })).Code);
        Assert.Equal(ErrorCode.CorruptMessage, Assert.Throws<BrokerException>(() => MetadataRecordCodec.Read(new byte[] { 4, 7 })).Code);
    }

    private static MetadataRecord RoundTrip(MetadataRecord record)
    {
        using var output = new PooledBufferWriter();
        MetadataRecordCodec.Write(record, output);
        return MetadataRecordCodec.Read(output.WrittenSpan.ToArray());
    }

    /// <summary>Records hold lists, which compare by reference; compare their contents instead.</summary>
    private static string Describe(MetadataRecord record) => record switch
    {
        PartitionRecord p => $"{p.TopicId} {p.PartitionIndex} [{string.Join(",", p.Replicas)}] [{string.Join(",", p.Isr)}] {p.Leader} {p.LeaderEpoch}",
        PartitionChangeRecord c => $"{c.TopicId} {c.PartitionIndex} {c.Leader?.ToString() ?? "-"} [{(c.Isr is null ? "-" : string.Join(",", c.Isr))}]",
        _ => record.ToString(),
    };
}
