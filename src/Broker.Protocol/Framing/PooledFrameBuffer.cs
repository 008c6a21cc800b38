using System.Buffers;

namespace Broker.Protocol.Framing;

/// <summary>
/// A frame copied out of a segmented input into one rented array, so its body can be read as contiguous memory.
/// Dispose is idempotent: copies of a frame struct may each dispose it and the array goes back to the pool once.
/// </summary>
internal sealed class PooledFrameBuffer : IDisposable
{
    private byte[]? _array;

    private PooledFrameBuffer(byte[] array, int length)
    {
        _array = array;
        Memory = array.AsMemory(0, length);
    }

    public ReadOnlyMemory<byte> Memory { get; }

    public static PooledFrameBuffer CopyOf(in ReadOnlySequence<byte> bytes)
    {
        var length = checked((int)bytes.Length);
        var array = ArrayPool<byte>.Shared.Rent(length);
        bytes.CopyTo(array);
        return new PooledFrameBuffer(array, length);
    }

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
