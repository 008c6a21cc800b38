using System.Buffers;

namespace Broker.Protocol.Tests.Support;

/// <summary>Builds a <see cref="ReadOnlySequence{T}"/> over separate arrays, split where a test says, as a socket would.</summary>
internal static class SegmentedSequence
{
    /// <summary>The bytes cut at <paramref name="splits"/> (ascending offsets; equal offsets make empty segments).</summary>
    public static ReadOnlySequence<byte> Create(ReadOnlySpan<byte> bytes, params int[] splits)
    {
        var pieces = new List<byte[]>();
        var start = 0;
        foreach (var split in splits)
        {
            pieces.Add(bytes[start..split].ToArray());
            start = split;
        }

        pieces.Add(bytes[start..].ToArray());
        return Create(pieces);
    }

    public static ReadOnlySequence<byte> Create(IReadOnlyList<byte[]> pieces)
    {
        var first = new Segment(pieces[0], 0);
        var last = first;
        for (var i = 1; i < pieces.Count; i++)
        {
            last = last.Append(pieces[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
