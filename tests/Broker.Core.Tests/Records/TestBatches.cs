using Broker.Core.Compression;
using Broker.Core.Records;

namespace Broker.Core.Tests.Records;

/// <summary>Builds test batches with the real builder: record i has key "key-i" and a value of valueBytes bytes.</summary>
internal static class TestBatches
{
    public static byte[] Build(int records, long baseTimestampMs = 1_000, int valueBytes = 10, CompressionType compression = CompressionType.None)
    {
        using var builder = new RecordBatchBuilder(compression);
        for (var i = 0; i < records; i++)
        {
            var value = new byte[valueBytes];
            value.AsSpan().Fill((byte)i);
            builder.Append(baseTimestampMs + i, System.Text.Encoding.ASCII.GetBytes($"key-{i}"), value);
        }

        return builder.Seal().ToArray();
    }
}
