using Broker.Core.Records;

namespace Broker.Storage.Tests;

/// <summary>
/// Builds valid RecordBatch v2 bytes for tests with the producer's <see cref="RecordBatchBuilder"/>.
/// </summary>
internal static class TestBatches
{
    /// <summary>One batch of <paramref name="recordCount"/> records whose values are <paramref name="valueBytes"/>
    /// bytes of <paramref name="fill"/>; every record has timestamp <paramref name="timestampMs"/> and a null key.</summary>
    public static byte[] Create(int recordCount, int valueBytes = 10, long timestampMs = 1_000, byte fill = 0x61)
    {
        using var builder = new RecordBatchBuilder();
        var value = Enumerable.Repeat(fill, valueBytes).ToArray();
        for (var i = 0; i < recordCount; i++)
        {
            builder.Append(timestampMs, null, value);
        }

        return builder.Seal().ToArray();
    }

    /// <summary>A batch of records with 1 KiB values, about <paramref name="batchBytes"/> long in total.</summary>
    public static byte[] OfSize(int batchBytes, long timestampMs = 1_000) =>
        Create(Math.Max(1, (batchBytes - RecordBatchLayout.HeaderBytes) / (1024 + 10)), 1024, timestampMs);

    /// <summary>The batches back to back, as one produce request or one fetch response carries them.</summary>
    public static byte[] Concat(params byte[][] batches) => batches.SelectMany(b => b).ToArray();

    /// <summary>A copy with the base offset and leader epoch a leader would have assigned (both outside the CRC).</summary>
    public static byte[] WithOffset(byte[] batch, long baseOffset, int leaderEpoch = 0)
    {
        var copy = (byte[])batch.Clone();
        RecordBatch.SetBaseOffset(copy, baseOffset);
        RecordBatch.SetPartitionLeaderEpoch(copy, leaderEpoch);
        return copy;
    }

    /// <summary>A batch of an idempotent producer: <paramref name="recordCount"/> records starting at sequence
    /// <paramref name="baseSequence"/>.</summary>
    public static byte[] Idempotent(long producerId, short epoch, int baseSequence, int recordCount = 2, int valueBytes = 10, long timestampMs = 1_000)
    {
        var batch = Create(recordCount, valueBytes, timestampMs);
        RecordBatch.SetProducer(batch, producerId, epoch, baseSequence);
        return batch;
    }

    /// <summary>A copy of <paramref name="batch"/> stamped with a producer, as an idempotent producer sends it.</summary>
    public static byte[] WithProducer(byte[] batch, long producerId, short epoch, int baseSequence)
    {
        var copy = (byte[])batch.Clone();
        RecordBatch.SetProducer(copy, producerId, epoch, baseSequence);
        return copy;
    }
}
