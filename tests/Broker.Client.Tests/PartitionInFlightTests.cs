using Broker.Client.Producing;
using Broker.Core;
using Broker.Core.Compression;
using Broker.Core.Errors;

namespace Broker.Client.Tests;

/// <summary>The per-partition window on its own: order of reports, when retries start, how sequences are repaired.</summary>
public class PartitionInFlightTests
{
    private static readonly ProducerIdentity Identity = new(77, 0);
    private readonly PartitionQueue _queue = new(new TopicPartition("t", 0));

    [Fact]
    public void Batches_are_numbered_per_record_when_sent_and_answers_are_reported_oldest_first()
    {
        var window = _queue.InFlight;
        var first = Send(window, 3);
        var second = Send(window, 2);
        Assert.Equal((0, 3, 5), (first.Batches[0].BaseSequence, second.Batches[0].BaseSequence, window.NextSequence));
        Assert.True(first.SentAsHead);
        Assert.False(second.SentAsHead);

        var settled = new List<DrainedPartition>();
        Assert.False(window.OnOutcome(second, Success(3), canRetry: true, settled));
        Assert.Empty(settled); // held until the older one is decided
        window.OnOutcome(first, Success(0), canRetry: true, settled);

        Assert.Equal([first, second], settled);
        Assert.Equal(5, window.AcknowledgedSequence);
    }

    [Fact]
    public void A_retriable_failure_stops_new_sends_and_the_round_starts_once_nothing_is_on_the_wire()
    {
        var window = _queue.InFlight;
        var first = Send(window, 1);
        var second = Send(window, 1);
        var settled = new List<DrainedPartition>();

        Assert.False(window.OnOutcome(first, Failed(ErrorCode.NotLeaderOrFollower), canRetry: true, settled));
        Assert.False(window.CanSend(5));
        Assert.True(window.OnOutcome(second, Failed(ErrorCode.OutOfOrderSequenceNumber), canRetry: true, settled));

        Assert.Same(first, window.BeginRetry(settled));
        Assert.Equal((0, 1), (first.Batches[0].BaseSequence, second.Batches[0].BaseSequence)); // sequences kept
        window.OnOutcome(first, Success(0), canRetry: true, settled);
        Assert.Same(second, window.BeginRetry(settled));
        window.OnOutcome(second, Success(1), canRetry: true, settled);
        Assert.Null(window.BeginRetry(settled));
        Assert.True(window.CanSend(5));
        Assert.Equal([first, second], settled);
    }

    [Fact]
    public void An_unknown_producer_on_the_oldest_request_renumbers_from_0_in_the_same_epoch()
    {
        var window = _queue.InFlight;
        var first = Send(window, 4);
        var settled = new List<DrainedPartition>();
        window.OnOutcome(first, Success(0), canRetry: true, settled);
        var second = Send(window, 2);

        Assert.True(window.OnOutcome(second, Failed(ErrorCode.UnknownProducerId), canRetry: true, settled));

        Assert.Same(second, window.BeginRetry(settled));
        Assert.Equal((0, (short)0, 2), (second.Batches[0].BaseSequence, window.Epoch, window.NextSequence));
    }

    [Fact]
    public void An_out_of_order_oldest_request_fails_and_the_rest_move_to_a_new_epoch_from_0()
    {
        var window = _queue.InFlight;
        var first = Send(window, 2);
        var second = Send(window, 3);
        var settled = new List<DrainedPartition>();

        window.OnOutcome(first, Failed(ErrorCode.OutOfOrderSequenceNumber), canRetry: true, settled);
        Assert.Equal([first], settled);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, first.Outcome.Error);
        Assert.True(window.OnOutcome(second, Failed(ErrorCode.OutOfOrderSequenceNumber), canRetry: true, settled));

        Assert.Same(second, window.BeginRetry(settled));
        Assert.Equal(((short)1, 0, 3), (window.Epoch, second.Batches[0].BaseSequence, window.NextSequence));
    }

    [Fact]
    public void After_a_request_fails_for_good_an_out_of_order_answer_renumbers_from_the_last_acknowledged_sequence()
    {
        var window = _queue.InFlight;
        var settled = new List<DrainedPartition>();
        window.OnOutcome(Send(window, 2), Success(0), canRetry: true, settled);
        var doomed = Send(window, 3);
        window.OnOutcome(doomed, Failed(ErrorCode.MessageTooLarge), canRetry: true, settled);
        var next = Send(window, 1);
        Assert.Equal(5, next.Batches[0].BaseSequence);

        Assert.True(window.OnOutcome(next, Failed(ErrorCode.OutOfOrderSequenceNumber), canRetry: true, settled));

        Assert.Same(next, window.BeginRetry(settled));
        Assert.Equal(((short)0, 2), (window.Epoch, next.Batches[0].BaseSequence));
    }

    private DrainedPartition Send(PartitionInFlight window, int records)
    {
        var batch = new ProducerBatch(CompressionType.None, 1024);
        batch.Open(_queue.Partition, 0);
        for (var i = 0; i < records; i++)
        {
            batch.Append(new Message(null, [1]), 0, null, 10);
        }

        batch.Seal();
        var request = new DrainedPartition(_queue, [batch], batch.Bytes.Length);
        window.Send(request, Identity);
        return request;
    }

    private static PartitionOutcome Success(long offset) => new(ErrorCode.None, null, offset, -1);

    private static PartitionOutcome Failed(ErrorCode error) => PartitionOutcome.Failed(error, null);
}
