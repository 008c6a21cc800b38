using System.Buffers;
using System.Buffers.Binary;

namespace Broker.Protocol.Framing;

/// <summary>
/// Finds one size-prefixed frame at the start of a possibly segmented input. The size is checked against the cap
/// before waiting for the bytes, so a peer claiming 2 GB is refused at once instead of being buffered for.
/// </summary>
internal static class FrameSlicer
{
    /// <summary>
    /// True with the frame's bytes (after the size prefix) when all of them are present; false when more input is
    /// needed. Throws <see cref="ProtocolException"/> for a size below zero, above <paramref name="frameBytesMax"/>
    /// or below <paramref name="frameBytesMin"/>.
    /// </summary>
    public static bool TrySlice(in ReadOnlySequence<byte> input, int frameBytesMax, int frameBytesMin, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        if (input.Length < ProtocolLimits.FrameSizeBytes)
        {
            return false;
        }

        var size = ReadSize(input);
        if (size < 0)
        {
            throw new ProtocolException(ProtocolViolation.NegativeFrameSize, $"Frame size {size} is negative.");
        }

        if (size > frameBytesMax)
        {
            throw new ProtocolException(
                ProtocolViolation.FrameTooLarge, $"Frame size {size} exceeds this listener's maximum of {frameBytesMax} bytes.");
        }

        if (size < frameBytesMin)
        {
            throw new ProtocolException(
                ProtocolViolation.FrameTooSmall, $"Frame size {size} is smaller than the {frameBytesMin}-byte header.");
        }

        if (input.Length - ProtocolLimits.FrameSizeBytes < size)
        {
            return false;
        }

        frame = input.Slice(ProtocolLimits.FrameSizeBytes, size);
        return true;
    }

    /// <summary>The frame as one block of memory: a slice of the input when it lies in one segment, else a pooled copy.</summary>
    public static ReadOnlyMemory<byte> Contiguous(in ReadOnlySequence<byte> frame, out PooledFrameBuffer? owner)
    {
        if (frame.IsSingleSegment)
        {
            owner = null;
            return frame.First;
        }

        owner = PooledFrameBuffer.CopyOf(frame);
        return owner.Memory;
    }

    private static int ReadSize(in ReadOnlySequence<byte> input)
    {
        var first = input.FirstSpan;
        if (first.Length >= ProtocolLimits.FrameSizeBytes)
        {
            return BinaryPrimitives.ReadInt32BigEndian(first);
        }

        Span<byte> prefix = stackalloc byte[ProtocolLimits.FrameSizeBytes];
        input.Slice(0, ProtocolLimits.FrameSizeBytes).CopyTo(prefix);
        return BinaryPrimitives.ReadInt32BigEndian(prefix);
    }
}
