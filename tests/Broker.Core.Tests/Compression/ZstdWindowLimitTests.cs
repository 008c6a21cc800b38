using Broker.Core.Buffers;
using Broker.Core.Compression;
using Broker.Core.Errors;

namespace Broker.Core.Tests.Compression;

public class ZstdWindowLimitTests
{
    /// <summary>
    /// A hand-made zstd frame (RFC 8878): magic, a descriptor with no content size, a window descriptor
    /// (exponent e means a window of 2^(10+e) bytes), then one last raw block holding "A".
    /// </summary>
    private static byte[] Frame(int windowLog) => [0x28, 0xB5, 0x2F, 0xFD, 0x00, (byte)((windowLog - 10) << 3), 0x09, 0x00, 0x00, 0x41];

    [Fact]
    public void A_frame_within_the_window_limit_decodes()
    {
        using var output = new PooledBufferWriter();
        CompressionCodecs.Get(CompressionType.Zstd).Decompress(Frame(20), output, 1024);
        Assert.Equal("A"u8.ToArray(), output.WrittenSpan.ToArray());
    }

    [Fact]
    public void A_frame_asking_for_a_window_beyond_the_limit_is_refused_before_allocating_it()
    {
        using var output = new PooledBufferWriter();
        var error = Assert.Throws<BrokerException>(() => CompressionCodecs.Get(CompressionType.Zstd).Decompress(Frame(25), output, 1024));
        Assert.Equal(ErrorCode.CorruptMessage, error.Code);
    }
}
