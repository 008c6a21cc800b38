using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Broker.Core.Errors;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages.Produce;
using Broker.Protocol.Tests.Support;

namespace Broker.Protocol.Tests;

public class RequestFrameCodecTests
{
    [Fact]
    public void Every_request_frame_parses_identically_at_every_two_segment_split()
    {
        foreach (var bytes in Wire.EveryRequestFrame())
        {
            var expected = ParseWhole(bytes);
            for (var split = 0; split <= bytes.Length; split++)
            {
                AssertParsesAs(expected, SegmentedSequence.Create(bytes, split));
            }
        }
    }

    [Fact]
    public void A_produce_frame_parses_identically_at_every_three_segment_split()
    {
        var bytes = Wire.RequestFrame(SampleMessages.Produce(partitions: 2, recordBytes: 24));
        var expected = ParseWhole(bytes);
        for (var first = 0; first <= bytes.Length; first++)
        {
            for (var second = first; second <= bytes.Length; second++)
            {
                AssertParsesAs(expected, SegmentedSequence.Create(bytes, first, second));
            }
        }
    }

    [Fact]
    public void Every_partial_frame_returns_false_consumes_nothing_and_examines_everything()
    {
        var codec = new RequestFrameCodec();
        foreach (var bytes in Wire.EveryRequestFrame())
        {
            for (var length = 0; length < bytes.Length; length++)
            {
                var input = SegmentedSequence.Create(bytes.AsSpan(0, length), length / 2);
                SequencePosition consumed = input.Start, examined = input.Start;
                Assert.False(codec.TryParseMessage(input, ref consumed, ref examined, out _));
                Assert.Equal(input.Start, consumed);
                Assert.Equal(input.End, examined);
            }
        }
    }

    [Fact]
    public void Pipelined_frames_come_out_one_at_a_time_in_order()
    {
        var frames = Enumerable.Range(1, 3).Select(id => Wire.RequestFrame(SampleMessages.Produce(), correlationId: id)).ToArray();
        var stream = frames.SelectMany(f => f).ToArray();
        var input = SegmentedSequence.Create(stream, 5, frames[0].Length + 3, stream.Length - 2);
        var codec = new RequestFrameCodec();

        for (var id = 1; id <= 3; id++)
        {
            SequencePosition consumed = input.Start, examined = input.Start;
            Assert.True(codec.TryParseMessage(input, ref consumed, ref examined, out var frame));
            using (frame)
            {
                Assert.Equal(id, frame.Header.CorrelationId);
                Assert.Equal(Wire.Encode(SampleMessages.Produce()), Wire.ReadAndReencodeRequest(frame));
            }

            input = input.Slice(consumed);
        }

        Assert.True(input.IsEmpty);
    }

    [Fact]
    public void A_contiguous_frame_body_is_a_slice_of_the_input_and_a_split_one_is_a_pooled_copy()
    {
        var bytes = Wire.RequestFrame(SampleMessages.Produce());
        var whole = ParseWhole(bytes, out var owned);
        Assert.False(owned);
        Assert.True(MemoryMarshal.TryGetArray(whole.Body, out var segment));
        Assert.Same(bytes, segment.Array);

        var codec = new RequestFrameCodec();
        var input = SegmentedSequence.Create(bytes, bytes.Length / 2);
        SequencePosition consumed = input.Start, examined = input.Start;
        Assert.True(codec.TryParseMessage(input, ref consumed, ref examined, out var split));
        Assert.True(split.OwnsBody);
        split.Dispose();
        split.Dispose(); // copies of a frame may each dispose it: the array goes back to the pool once
    }

    [Fact]
    public void WithOwnedBody_detaches_the_body_from_the_input()
    {
        var bytes = Wire.RequestFrame(SampleMessages.Produce());
        var frame = ParseWhole(bytes, out _);
        using var owned = frame.WithOwnedBody();
        var expected = owned.Body.ToArray();
        Array.Clear(bytes);
        Assert.True(owned.OwnsBody);
        Assert.Equal(expected, owned.Body.ToArray());
        Assert.NotEqual(0, expected.Sum(b => b));
    }

    [Theory]
    [InlineData(-1, ProtocolViolation.NegativeFrameSize)]
    [InlineData(int.MinValue, ProtocolViolation.NegativeFrameSize)]
    [InlineData(ProtocolLimits.FrameBytesMaxDefault + 1, ProtocolViolation.FrameTooLarge)]
    [InlineData(int.MaxValue, ProtocolViolation.FrameTooLarge)]
    [InlineData(ProtocolLimits.RequestHeaderBytesMin - 1, ProtocolViolation.FrameTooSmall)]
    [InlineData(0, ProtocolViolation.FrameTooSmall)]
    public void A_bad_size_is_refused_from_the_prefix_alone_and_loses_the_framing(int size, ProtocolViolation violation)
    {
        var bytes = new byte[10];
        BinaryPrimitives.WriteInt32BigEndian(bytes, size);
        var error = Assert.Throws<ProtocolException>(() => Parse(new RequestFrameCodec(), bytes));
        Assert.Equal(violation, error.Violation);
        Assert.True(error.FramingLost);
        Assert.Equal(ErrorCode.InvalidRequest, error.Code);
    }

    [Fact]
    public void A_frame_claiming_2_GB_with_10_bytes_present_is_refused_by_the_cap_or_waits_without_allocating()
    {
        var bytes = new byte[14];
        BinaryPrimitives.WriteInt32BigEndian(bytes, int.MaxValue);
        Assert.Throws<ProtocolException>(() => Parse(new RequestFrameCodec(), bytes));

        // A listener with no practical cap just waits for bytes that never come, holding nothing for them.
        var uncapped = new RequestFrameCodec(int.MaxValue);
        var input = new ReadOnlySequence<byte>(bytes);
        SequencePosition consumed = input.Start, examined = input.Start;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var parsed = uncapped.TryParseMessage(input, ref consumed, ref examined, out _);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.False(parsed);
        Assert.Equal(input.Start, consumed);
        Assert.True(allocated < 1024, $"allocated {allocated} bytes while waiting for a 2 GB frame");
    }

    [Fact]
    public void A_listener_cap_refuses_frames_just_above_it_and_accepts_one_at_it()
    {
        var bytes = Wire.RequestFrame(SampleMessages.Metadata());
        var size = bytes.Length - 4;
        Assert.Equal(size, ParseWith(new RequestFrameCodec(size), bytes).FrameBytes);
        var error = Assert.Throws<ProtocolException>(() => Parse(new RequestFrameCodec(size - 1), bytes));
        Assert.Equal(ProtocolViolation.FrameTooLarge, error.Violation);
    }

    [Fact]
    public void A_cap_below_the_smallest_header_is_a_configuration_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestFrameCodec(ProtocolLimits.RequestHeaderBytesMin - 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ResponseFrameCodec(ProtocolLimits.ResponseHeaderBytes - 1));
        Assert.Equal(ProtocolLimits.FrameBytesMaxDefault, new RequestFrameCodec().FrameBytesMax);
    }

    [Theory]
    [InlineData((short)-2)]
    [InlineData((short)500)]
    public void A_client_id_longer_than_the_frame_is_a_malformed_header(short clientIdLength)
    {
        var bytes = Wire.RequestFrame(SampleMessages.Metadata(), clientId: null);
        BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(12), clientIdLength);
        var error = Assert.Throws<ProtocolException>(() => Parse(new RequestFrameCodec(), bytes));
        Assert.Equal(ProtocolViolation.MalformedHeader, error.Violation);
        Assert.True(error.FramingLost);
    }

    [Fact]
    public void A_client_id_that_is_not_utf8_is_a_malformed_header()
    {
        var bytes = Wire.RequestFrame(SampleMessages.Metadata(), clientId: "ab");
        bytes[14] = 0xFF;
        var error = Assert.Throws<ProtocolException>(() => Parse(new RequestFrameCodec(), bytes));
        Assert.Equal(ProtocolViolation.MalformedHeader, error.Violation);
    }

    [Fact]
    public void The_client_id_is_decoded_once_per_connection_and_follows_a_change()
    {
        var codec = new RequestFrameCodec();
        var first = ParseWith(codec, Wire.RequestFrame(SampleMessages.Metadata(), clientId: "app-1")).Header.ClientId;
        var second = ParseWith(codec, Wire.RequestFrame(SampleMessages.Metadata(), clientId: "app-1")).Header.ClientId;
        var changed = ParseWith(codec, Wire.RequestFrame(SampleMessages.Metadata(), clientId: "app-2")).Header.ClientId;
        var none = ParseWith(codec, Wire.RequestFrame(SampleMessages.Metadata(), clientId: null)).Header.ClientId;
        Assert.Same(first, second);
        Assert.Equal("app-2", changed);
        Assert.Null(none);
    }

    [Fact]
    public void Unknown_api_and_unsupported_version_are_recognisable_from_the_header_alone()
    {
        // A body the server cannot read at all: the header must be enough to answer it.
        byte[] Frame(short apiKey, short version)
        {
            var bytes = new byte[4 + ProtocolLimits.RequestHeaderBytesMin + 3];
            BinaryPrimitives.WriteInt32BigEndian(bytes, bytes.Length - 4);
            BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(4), apiKey);
            BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(6), version);
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), 99);
            BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(12), -1);
            bytes.AsSpan(14).Fill(0xEE);
            return bytes;
        }

        var unknown = ParseWith(new RequestFrameCodec(), Frame(1234, 0)).Header;
        Assert.Equal(ErrorCode.InvalidRequest, ApiVersionsTable.Check(unknown.ApiKey, unknown.ApiVersion));
        Assert.Equal(99, unknown.CorrelationId);

        var tooNew = ParseWith(new RequestFrameCodec(), Frame((short)ApiKey.Produce, 9)).Header;
        Assert.Equal(ErrorCode.UnsupportedVersion, ApiVersionsTable.Check(tooNew.ApiKey, tooNew.ApiVersion));

        var groupTooNew = ParseWith(new RequestFrameCodec(), Frame((short)ApiKey.OffsetCommit, 1)).Header;
        Assert.Equal(ErrorCode.UnsupportedVersion, ApiVersionsTable.Check(groupTooNew.ApiKey, groupTooNew.ApiVersion));
    }

    [Fact]
    public void A_body_that_does_not_parse_keeps_the_framing_so_the_server_can_answer_it()
    {
        var bytes = Wire.RequestFrame(SampleMessages.Produce());
        // The topics count sits after acks and timeout_ms: claim far more topics than the bytes hold.
        var bodyStart = 4 + ProtocolLimits.RequestHeaderBytesMin + Wire.ClientId.Length;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(bodyStart + 6), int.MaxValue);
        var frame = ParseWith(new RequestFrameCodec(), bytes);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ProtocolException>(() => frame.ReadBody<ProduceRequest>());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(ProtocolViolation.MalformedBody, error.Violation);
        Assert.False(error.FramingLost);
        Assert.Equal(ErrorCode.InvalidRequest, error.Code);
        Assert.True(allocated < 16 * 1024, $"allocated {allocated} bytes for a lying count");
    }

    [Fact]
    public void Reading_a_body_as_another_api_is_a_programmer_error()
    {
        var frame = ParseWith(new RequestFrameCodec(), Wire.RequestFrame(SampleMessages.Metadata()));
        Assert.Throws<InvalidOperationException>(() => frame.ReadBody<ProduceRequest>());
    }

    private static RequestFrame ParseWhole(byte[] bytes) => ParseWhole(bytes, out _);

    private static RequestFrame ParseWhole(byte[] bytes, out bool ownsBody)
    {
        var frame = ParseWith(new RequestFrameCodec(), bytes);
        ownsBody = frame.OwnsBody;
        return frame;
    }

    private static RequestFrame ParseWith(RequestFrameCodec codec, byte[] bytes)
    {
        var input = new ReadOnlySequence<byte>(bytes);
        SequencePosition consumed = input.Start, examined = input.Start;
        Assert.True(codec.TryParseMessage(input, ref consumed, ref examined, out var frame));
        Assert.Equal(input.End, consumed);
        return frame;
    }

    private static void Parse(RequestFrameCodec codec, byte[] bytes)
    {
        var input = new ReadOnlySequence<byte>(bytes);
        SequencePosition consumed = input.Start, examined = input.Start;
        codec.TryParseMessage(input, ref consumed, ref examined, out _);
    }

    private static void AssertParsesAs(RequestFrame expected, ReadOnlySequence<byte> input)
    {
        var codec = new RequestFrameCodec();
        SequencePosition consumed = input.Start, examined = input.Start;
        Assert.True(codec.TryParseMessage(input, ref consumed, ref examined, out var frame));
        using (frame)
        {
            Assert.Equal(input.End, consumed);
            Assert.Equal(input.End, examined);
            Assert.Equal(expected.Header, frame.Header);
            Assert.Equal(expected.FrameBytes, frame.FrameBytes);
            Assert.Equal(expected.Body.ToArray(), frame.Body.ToArray());
            Assert.Equal(Wire.ReadAndReencodeRequest(expected), Wire.ReadAndReencodeRequest(frame));
        }
    }
}
