using System.Buffers;
using System.Buffers.Binary;

namespace Broker.Protocol.Framing;

/// <summary>
/// The client side's response parser, the mirror of <see cref="RequestFrameCodec"/>: one frame or false for
/// "need more bytes", with the same cap. Responses arrive in request order on a connection, so the client matches
/// <see cref="ResponseFrame.CorrelationId"/> against the oldest request in flight.
/// </summary>
public sealed class ResponseFrameCodec
{
    public ResponseFrameCodec(int frameBytesMax = ProtocolLimits.FrameBytesMaxDefault)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameBytesMax, ProtocolLimits.ResponseHeaderBytes);
        FrameBytesMax = frameBytesMax;
    }

    public int FrameBytesMax { get; }

    /// <summary>As <see cref="RequestFrameCodec.TryParseMessage"/>, for response frames.</summary>
    public bool TryParseMessage(
        in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out ResponseFrame frame)
    {
        if (!FrameSlicer.TrySlice(input, FrameBytesMax, ProtocolLimits.ResponseHeaderBytes, out var frameBytes))
        {
            examined = input.End;
            frame = default;
            return false;
        }

        var memory = FrameSlicer.Contiguous(frameBytes, out var owner);
        var correlationId = BinaryPrimitives.ReadInt32BigEndian(memory.Span);
        frame = new ResponseFrame(correlationId, memory[ProtocolLimits.ResponseHeaderBytes..], owner);
        consumed = frameBytes.End;
        examined = frameBytes.End;
        return true;
    }
}
