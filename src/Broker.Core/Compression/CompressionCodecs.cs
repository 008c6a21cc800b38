using Broker.Core.Errors;

namespace Broker.Core.Compression;

/// <summary>
/// The codec for each <see cref="CompressionType"/>. Codecs are stateless singletons safe to share across threads.
/// <see cref="CompressionType.None"/> has a pass-through codec that copies, so callers need no special case for it.
/// Snappy is not implemented (Kafka's clients wrap it in snappy-java's own framing, a fourth format to carry); producers
/// can use any of the other three.
/// </summary>
public static class CompressionCodecs
{
    private static readonly ICompressionCodec NoneCodec = new NoCompressionCodec();
    private static readonly ICompressionCodec GzipCodec = new GzipCodec();
    private static readonly ICompressionCodec Lz4Codec = new Lz4Codec();
    private static readonly ICompressionCodec ZstdCodec = new ZstdCodec();

    /// <summary>
    /// The codec for <paramref name="type"/>. Throws <see cref="BrokerException"/> with
    /// <see cref="ErrorCode.UnsupportedCompressionType"/> for snappy and for numbers Kafka does not define.
    /// The lz4 and zstd codecs check for their system library at their first use, not here.
    /// </summary>
    public static ICompressionCodec Get(CompressionType type) => type switch
    {
        CompressionType.None => NoneCodec,
        CompressionType.Gzip => GzipCodec,
        CompressionType.Lz4 => Lz4Codec,
        CompressionType.Zstd => ZstdCodec,
        CompressionType.Snappy => throw new BrokerException(
            ErrorCode.UnsupportedCompressionType,
            "snappy compression (type 2) is not supported by this broker; use gzip, lz4 or zstd"),
        _ => throw new BrokerException(
            ErrorCode.UnsupportedCompressionType,
            $"compression type {(byte)type} is unknown; Kafka defines 0 none, 1 gzip, 2 snappy, 3 lz4 and 4 zstd"),
    };
}
