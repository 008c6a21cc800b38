using Broker.Core.Records;

namespace Broker.Core.Tests.Records;

public class ProducerSequenceTests
{
    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(10, 5, 15)]
    [InlineData(int.MaxValue, 1, 0)]
    [InlineData(int.MaxValue - 2, 5, 2)]
    public void Sequences_advance_by_record_count_and_wrap_after_int_max(int sequence, long count, int expected) =>
        Assert.Equal(expected, ProducerSequence.Add(sequence, count));

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(5, 9, 4)]
    [InlineData(int.MaxValue, 0, 1)]
    [InlineData(int.MaxValue - 1, 3, 5)]
    public void Distance_counts_forward_across_the_wrap(int from, int to, long expected) =>
        Assert.Equal(expected, ProducerSequence.Distance(from, to));

    [Fact]
    public void The_broker_remembers_at_least_as_many_appends_as_a_producer_keeps_in_flight() =>
        Assert.True(IdempotenceLimits.AppendsRetainedPerProducer >= IdempotenceLimits.InFlightRequestsPerPartitionMax);

    [Fact]
    public void Stamping_a_producer_on_a_sealed_batch_keeps_it_valid()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1_000, null, [1, 2, 3]);
        builder.Append(1_001, null, [4]);
        var batch = builder.Seal().ToArray();

        RecordBatch.SetProducer(batch, producerId: 77, producerEpoch: 3, baseSequence: int.MaxValue);

        var header = RecordBatchValidator.ValidateOrThrow(batch, int.MaxValue, fromProducer: true);
        Assert.Equal((77L, (short)3, int.MaxValue), (header.ProducerId, header.ProducerEpoch, header.BaseSequence));
        Assert.Equal(0, ProducerSequence.LastOf(header.BaseSequence, header.LastOffsetDelta));
    }
}
