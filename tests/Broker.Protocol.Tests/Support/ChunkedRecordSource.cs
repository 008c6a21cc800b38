namespace Broker.Protocol.Tests.Support;

/// <summary>An <see cref="IRecordSource"/> that is not a byte[] to the writer, and records how it was copied.</summary>
internal sealed class ChunkedRecordSource(byte[] bytes) : IRecordSource
{
    public int Length => bytes.Length;

    public int CopyCalls { get; private set; }

    public int NextOffset { get; private set; }

    public void CopyTo(int sourceOffset, Span<byte> destination)
    {
        // The writer promises increasing, contiguous offsets: a log segment reader may rely on it.
        Assert.Equal(NextOffset, sourceOffset);
        bytes.AsSpan(sourceOffset, destination.Length).CopyTo(destination);
        NextOffset = sourceOffset + destination.Length;
        CopyCalls++;
    }
}
