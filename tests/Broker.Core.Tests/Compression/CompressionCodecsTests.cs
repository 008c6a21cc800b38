using Broker.Core.Compression;
using Broker.Core.Compression.Native;
using Broker.Core.Errors;

namespace Broker.Core.Tests.Compression;

public class CompressionCodecsTests
{
    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void Each_supported_type_has_one_shared_codec_of_that_type(CompressionType type)
    {
        var codec = CompressionCodecs.Get(type);
        Assert.Equal(type, codec.Type);
        Assert.Same(codec, CompressionCodecs.Get(type));
    }

    [Fact]
    public void Snappy_is_an_unsupported_compression_type_named_in_the_error()
    {
        var error = Assert.Throws<BrokerException>(() => CompressionCodecs.Get(CompressionType.Snappy));
        Assert.Equal(ErrorCode.UnsupportedCompressionType, error.Code);
        Assert.Contains("snappy", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(255)]
    public void A_type_Kafka_does_not_define_is_an_unsupported_compression_type(byte type)
    {
        var error = Assert.Throws<BrokerException>(() => CompressionCodecs.Get((CompressionType)type));
        Assert.Equal(ErrorCode.UnsupportedCompressionType, error.Code);
        Assert.Contains($"compression type {type}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_system_libraries_this_host_needs_are_present()
    {
        LibLz4.Library.EnsureLoaded();
        LibZstd.Library.EnsureLoaded();
    }

    [Fact]
    public void A_missing_library_is_an_unsupported_compression_type_naming_the_package()
    {
        var library = new NativeCodecLibrary("lz4", "liblz4-not-installed.so.1", "liblz4-1", ["LZ4F_compressFrame"]);

        var error = Assert.Throws<BrokerException>(library.EnsureLoaded);

        Assert.Equal(ErrorCode.UnsupportedCompressionType, error.Code);
        Assert.StartsWith("lz4 needs liblz4-not-installed.so.1 (Debian package liblz4-1): ", error.Message, StringComparison.Ordinal);
        // Raised again on later uses, not only the first.
        Assert.Throws<BrokerException>(library.EnsureLoaded);
    }

    [Fact]
    public void A_library_without_a_needed_function_is_an_unsupported_compression_type_naming_the_function()
    {
        var library = new NativeCodecLibrary("zstd", "libzstd.so.1", "libzstd1", ["ZSTD_decompressStream", "ZSTD_noSuchFunction"]);

        var error = Assert.Throws<BrokerException>(library.EnsureLoaded);

        Assert.Equal(ErrorCode.UnsupportedCompressionType, error.Code);
        Assert.StartsWith("zstd needs libzstd.so.1 (Debian package libzstd1): ", error.Message, StringComparison.Ordinal);
        Assert.Contains("ZSTD_noSuchFunction", error.Message, StringComparison.Ordinal);
    }
}
