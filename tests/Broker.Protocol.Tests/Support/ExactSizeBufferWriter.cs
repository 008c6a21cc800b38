using System.Buffers;

namespace Broker.Protocol.Tests.Support;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> that hands out spans of exactly the size asked for, each in a fresh array, and
/// refuses to be advanced past one: the strictest output the contract allows, so chunking bugs show.
/// </summary>
internal sealed class ExactSizeBufferWriter : IBufferWriter<byte>
{
    private readonly List<byte> _written = [];
    private byte[] _current = [];

    public int GetSpanCalls { get; private set; }

    public byte[] WrittenBytes => [.. _written];

    public void Advance(int count)
    {
        Assert.InRange(count, 0, _current.Length);
        _written.AddRange(_current.AsSpan(0, count));
        _current = [];
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        GetSpanCalls++;
        _current = new byte[Math.Max(sizeHint, 1)];
        return _current;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}
