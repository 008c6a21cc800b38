using System.Buffers;
using System.Buffers.Binary;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Tests.Support;

namespace Broker.Protocol.Tests;

public class ResponseFrameCodecTests
{
    [Fact]
    public void Every_response_frame_parses_identically_at_every_two_segment_split()
    {
        foreach (var (apiKey, bytes) in Wire.EveryResponseFrame())
        {
            var expected = Wire.ReadAndReencodeResponse(apiKey, Parse(new ReadOnlySequence<byte>(bytes)));
            for (var split = 0; split <= bytes.Length; split++)
            {
                using var frame = Parse(SegmentedSequence.Create(bytes, split));
                Assert.Equal(42, frame.CorrelationId);
                Assert.Equal(expected, Wire.ReadAndReencodeResponse(apiKey, frame));
            }
        }
    }

    [Fact]
    public void A_fetch_response_frame_parses_identically_at_every_three_segment_split()
    {
        var bytes = Wire.ResponseFrame(SampleMessages.FetchResult(new RecordSet(SampleMessages.Records(30, 3)), RecordSet.Empty));
        var expected = bytes.AsSpan(8).ToArray();
        for (var first = 0; first <= bytes.Length; first++)
        {
            for (var second = first; second <= bytes.Length; second++)
            {
                using var frame = Parse(SegmentedSequence.Create(bytes, first, second));
                Assert.Equal(expected, Wire.ReadAndReencodeResponse(ApiKey.Fetch, frame));
            }
        }
    }

    [Fact]
    public void Every_partial_response_returns_false_and_consumes_nothing()
    {
        var codec = new ResponseFrameCodec();
        foreach (var (_, bytes) in Wire.EveryResponseFrame())
        {
            for (var length = 0; length < bytes.Length; length++)
            {
                var input = SegmentedSequence.Create(bytes.AsSpan(0, length), length / 3);
                SequencePosition consumed = input.Start, examined = input.Start;
                Assert.False(codec.TryParseMessage(input, ref consumed, ref examined, out _));
                Assert.Equal(input.Start, consumed);
                Assert.Equal(input.End, examined);
            }
        }
    }

    [Theory]
    [InlineData(-5, ProtocolViolation.NegativeFrameSize)]
    [InlineData(3, ProtocolViolation.FrameTooSmall)]
    [InlineData(1025, ProtocolViolation.FrameTooLarge)]
    public void A_bad_response_size_is_refused(int size, ProtocolViolation violation)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(bytes, size);
        var codec = new ResponseFrameCodec(frameBytesMax: 1024);
        var input = new ReadOnlySequence<byte>(bytes);
        SequencePosition consumed = input.Start, examined = input.Start;
        var error = Assert.Throws<ProtocolException>(() => codec.TryParseMessage(input, ref consumed, ref examined, out _));
        Assert.Equal(violation, error.Violation);
    }

    private static ResponseFrame Parse(ReadOnlySequence<byte> input)
    {
        var codec = new ResponseFrameCodec();
        SequencePosition consumed = input.Start, examined = input.Start;
        Assert.True(codec.TryParseMessage(input, ref consumed, ref examined, out var frame));
        Assert.Equal(input.End, consumed);
        return frame;
    }
}
