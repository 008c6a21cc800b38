using System.Buffers;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Tests.Support;

namespace Broker.Protocol.Tests;

public class ProtocolWriterTests
{
    [Fact]
    public void Records_from_a_source_are_copied_in_the_output_own_pieces_without_a_large_buffer()
    {
        var records = SampleMessages.Records(16 * 1024, 5);
        var source = new ChunkedRecordSource(records);
        var response = SampleMessages.FetchResult(new RecordSet(source), new RecordSet(SampleMessages.Records(700, 6)));
        var strict = new ExactSizeBufferWriter();

        FrameWriter.WriteResponse(strict, correlationId: 3, apiVersion: 0, response);

        var reference = Wire.ResponseFrame(SampleMessages.FetchResult(new RecordSet(records), new RecordSet(SampleMessages.Records(700, 6))), correlationId: 3);
        Assert.Equal(reference, strict.WrittenBytes);
        Assert.Equal(records.Length, source.NextOffset);
        Assert.True(source.CopyCalls > 1, "a 16 KiB source should be copied in the output's pieces");
    }

    [Fact]
    public void Small_fields_share_spans_rather_than_asking_the_output_for_each()
    {
        var strict = new ExactSizeBufferWriter();
        FrameWriter.WriteRequest(strict, 1, "c", 0, SampleMessages.Metadata());
        Assert.Equal(1, strict.GetSpanCalls);
    }

    [Fact]
    public void Measuring_counts_exactly_what_writing_writes_and_allocates_nothing()
    {
        var response = SampleMessages.FetchResult(new RecordSet(new ChunkedRecordSource(new byte[5000])), RecordSet.Empty);
        var written = Wire.Encode(response).Length;
        Wire.Measure(response); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        var measured = Wire.Measure(response);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(written, measured);
    }

    [Fact]
    public void Writing_a_frame_into_a_reused_pooled_buffer_allocates_nothing()
    {
        var response = SampleMessages.FetchResult(new RecordSet(new byte[2000]), RecordSet.Empty);
        using var output = new Broker.Core.Buffers.PooledBufferWriter(64 * 1024);
        FrameWriter.WriteResponse(output, 1, 0, response);
        output.Clear();
        var before = GC.GetAllocatedBytesForCurrentThread();
        FrameWriter.WriteResponse(output, 1, 0, response);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Strings_longer_than_an_int16_length_are_refused_before_anything_is_written()
    {
        var output = new ArrayBufferWriter<byte>();
        var request = new Messages.DeleteTopics.DeleteTopicsRequest { TopicNames = [new string('x', short.MaxValue + 1)] };
        Assert.Throws<ArgumentException>(() => FrameWriter.WriteRequest(output, 1, null, 0, request));
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void A_source_whose_length_changes_between_passes_is_caught_before_the_frame_is_trusted()
    {
        var output = new ArrayBufferWriter<byte>();
        var response = SampleMessages.FetchResult(new RecordSet(new GrowingSource()), RecordSet.Empty);
        Assert.Throws<InvalidOperationException>(() => FrameWriter.WriteResponse(output, 1, 0, response));
    }

    /// <summary>Breaks the IRecordSource contract: a different length each time it is asked.</summary>
    private sealed class GrowingSource : IRecordSource
    {
        private int _length = 10;

        public int Length => _length++;

        public void CopyTo(int sourceOffset, Span<byte> destination) => destination.Clear();
    }
}
