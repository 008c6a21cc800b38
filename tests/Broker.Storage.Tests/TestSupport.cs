using Broker.Core.Records;

namespace Broker.Storage.Tests;

/// <summary>A directory under the system temp path, deleted with everything in it on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "broker-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }
}

/// <summary>A clock the test moves by hand. Timers still run on real time (only the maintenance loop uses them).</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private long _nowMs;

    public ManualTimeProvider(long startMs = 1_700_000_000_000) => _nowMs = startMs;

    public long NowMs => Interlocked.Read(ref _nowMs);

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Read(ref _nowMs));

    public void Advance(long ms) => Interlocked.Add(ref _nowMs, ms);
}

/// <summary>Shorthands shared by the log tests.</summary>
internal static class LogTestExtensions
{
    /// <summary>Reads the result's bytes, asserting they were not replaced meanwhile.</summary>
    public static byte[] Bytes(this LogReadResult result)
    {
        var buffer = new byte[result.Length];
        Assert.True(result.TryCopyTo(buffer));
        return buffer;
    }

    /// <summary>Splits batch bytes into (base offset, last offset, bytes) after checking each batch's CRC.</summary>
    public static List<(long BaseOffset, long LastOffset, byte[] Bytes)> Batches(this byte[] bytes)
    {
        var batches = new List<(long, long, byte[])>();
        for (var position = 0; position < bytes.Length;)
        {
            var header = RecordBatchValidator.ValidateOrThrow(bytes.AsSpan(position), int.MaxValue, fromProducer: false);
            batches.Add((header.BaseOffset, header.LastOffset, bytes.AsSpan(position, header.TotalBytes).ToArray()));
            position += header.TotalBytes;
        }

        return batches;
    }

    public static AppendResult Append(this PartitionLog log, byte[] batches, int leaderEpoch = 0) =>
        log.AppendAsLeader((byte[])batches.Clone(), leaderEpoch);

    /// <summary>Reads every batch from <paramref name="from"/> to the LEO, one read at a time.</summary>
    public static List<(long BaseOffset, long LastOffset, byte[] Bytes)> ReadAll(this PartitionLog log, long from, int maxBytes = 1 << 20)
    {
        var all = new List<(long, long, byte[])>();
        var offset = from;
        while (offset < log.LogEndOffset)
        {
            var result = log.Read(offset, maxBytes);
            Assert.False(result.IsEmpty, $"empty read at {offset} below LEO {log.LogEndOffset}");
            all.AddRange(result.Bytes().Batches());
            offset = result.NextOffset;
        }

        return all;
    }
}

/// <summary>Opens logs with small limits so tests roll, index and retain often.</summary>
internal static class TestLogs
{
    public static readonly Broker.Core.TopicPartition Name = new("t", 0);

    public static LogConfig Small { get; } = LogConfig.Default with
    {
        SegmentBytes = 4096,
        IndexIntervalBytes = 256,
        IndexBytesMax = 4096,
        FileDeleteDelayMs = 0,
        RetentionMs = LogConfig.Unlimited,
    };

    public static PartitionLog Open(string directory, LogConfig? config = null, TimeProvider? time = null, bool clean = true, long recoveryPoint = 0, long logStartOffset = 0) =>
        PartitionLog.Open(directory, Name, config ?? Small, time ?? new ManualTimeProvider(), clean, recoveryPoint, logStartOffset);
}
