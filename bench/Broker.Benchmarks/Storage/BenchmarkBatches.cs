using Broker.Core.Records;

namespace Broker.Benchmarks.Storage;

/// <summary>Valid RecordBatch v2 bytes of 1 KiB records for the storage benchmarks, built by the producer's
/// <see cref="RecordBatchBuilder"/>.</summary>
internal static class BenchmarkBatches
{
    public const int RecordValueBytes = 1024;

    /// <summary>One uncompressed batch of 1 KiB-value records filling about <paramref name="batchBytes"/>.</summary>
    public static byte[] Create(int batchBytes, long timestampMs = 1_700_000_000_000)
    {
        var recordCount = Math.Max(1, (batchBytes - RecordBatchLayout.HeaderBytes) / (RecordValueBytes + 10));
        var value = new byte[RecordValueBytes];
        using var builder = new RecordBatchBuilder(initialCapacityBytes: batchBytes + 4096);
        for (var i = 0; i < recordCount; i++)
        {
            builder.Append(timestampMs, null, value);
        }

        return builder.Seal().ToArray();
    }

    /// <summary>A new empty directory under the system temp folder for one benchmark's logs.</summary>
    public static string TempDirectory(string name)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"broker-bench-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        return directory;
    }
}
