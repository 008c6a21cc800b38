using Broker.Core.Errors;

namespace Broker.Core.Compression;

/// <summary>The operating errors every codec raises, worded the same way so logs read alike whatever the codec.</summary>
internal static class CodecErrors
{
    /// <summary>Kafka's names for the codecs, as in its <c>compression.type</c> setting.</summary>
    public static string Name(CompressionType codec) => codec switch
    {
        CompressionType.None => "none",
        CompressionType.Gzip => "gzip",
        CompressionType.Snappy => "snappy",
        CompressionType.Lz4 => "lz4",
        CompressionType.Zstd => "zstd",
        _ => $"compression type {(byte)codec}",
    };

    public static BrokerException Corrupt(CompressionType codec, string detail) =>
        new(ErrorCode.CorruptMessage, $"invalid {Name(codec)} data: {detail}");

    public static BrokerException Corrupt(CompressionType codec, string detail, Exception innerException) =>
        new(ErrorCode.CorruptMessage, $"invalid {Name(codec)} data: {detail}", innerException);

    /// <summary>Even an empty payload compresses to a non-empty frame (header and end mark), so no input is invalid.</summary>
    public static BrokerException EmptyInput(CompressionType codec) => Corrupt(codec, "the input is empty");

    public static BrokerException Truncated(CompressionType codec) =>
        Corrupt(codec, "the input ends in the middle of a frame (truncated)");

    public static BrokerException TooLarge(CompressionType codec, int decompressedBytesMax) =>
        new(ErrorCode.CorruptMessage,
            $"{Name(codec)} data decompresses to more than the limit of {decompressedBytesMax} bytes");
}
