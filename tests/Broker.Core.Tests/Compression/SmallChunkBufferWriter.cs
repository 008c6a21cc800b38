using System.Buffers;

namespace Broker.Core.Tests.Compression;

/// <summary>
/// A destination that hands out spans of at most <c>chunkBytesMax</c> bytes, whatever size is asked for, so a codec's
/// output loop runs through every split of its output. The contract of IBufferWriter allows it only for a size hint
/// of 0; the decompressors must not depend on getting what they hint.
/// </summary>
internal sealed class SmallChunkBufferWriter(int chunkBytesMax) : IBufferWriter<byte>
{
    private readonly ArrayBufferWriter<byte> _inner = new();

    public ReadOnlySpan<byte> WrittenSpan => _inner.WrittenSpan;

    /// <summary>Called on every GetSpan, before the span is handed out.</summary>
    public Action? OnGetSpan { get; init; }

    public void Advance(int count)
    {
        Assert.InRange(count, 0, chunkBytesMax);
        _inner.Advance(count);
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => _inner.GetMemory(chunkBytesMax)[..chunkBytesMax];

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        OnGetSpan?.Invoke();
        return _inner.GetSpan(chunkBytesMax)[..chunkBytesMax];
    }
}
