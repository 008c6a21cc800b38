using System.Buffers;

namespace Broker.Benchmarks.Protocol;

/// <summary>Bytes cut into fixed-size segments, as a socket pipe delivers them.</summary>
internal static class BenchmarkSequence
{
    public static ReadOnlySequence<byte> Split(byte[] bytes, int segmentBytes)
    {
        Segment? first = null;
        Segment? last = null;
        for (var start = 0; start < bytes.Length; start += segmentBytes)
        {
            var piece = bytes.AsMemory(start, Math.Min(segmentBytes, bytes.Length - start));
            var segment = new Segment(piece, last is null ? 0 : last.RunningIndex + last.Memory.Length);
            if (last is null)
            {
                first = segment;
            }
            else
            {
                last.SetNext(segment);
            }

            last = segment;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
