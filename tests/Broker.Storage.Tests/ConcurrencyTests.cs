using Broker.Core.Records;

namespace Broker.Storage.Tests;

public class ConcurrencyTests
{
    /// <summary>One writer appends, rolls, truncates and applies retention while readers read at random offsets.
    /// Each batch's value bytes encode (base offset, truncation round), so a reader can tell a real batch, old or
    /// new, from a mix of bytes: every batch it gets must pass its CRC and carry its own offset.</summary>
    [Fact]
    public async Task Readers_never_see_torn_or_foreign_bytes_while_the_writer_rolls_truncates_and_deletes()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, TestLogs.Small with { SegmentBytes = 2048, RetentionBytes = 16 * 1024 });
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var reads = 0L;
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(() =>
        {
            var random = new Random(r);
            var buffer = new byte[1 << 16];
            while (!stop.IsCancellationRequested)
            {
                var (start, end) = (log.LogStartOffset, log.LogEndOffset);
                if (end <= start)
                {
                    continue;
                }

                LogReadResult result;
                try
                {
                    result = log.Read(random.NextInt64(start, end), random.Next(1, 4096));
                }
                catch (Broker.Core.Errors.BrokerException)
                {
                    continue; // retention or truncation moved the range meanwhile
                }

                if (result.IsEmpty || result.Length > buffer.Length || !result.TryCopyTo(buffer))
                {
                    continue;
                }

                Interlocked.Increment(ref reads);
                var error = Check(buffer.AsSpan(0, result.Length), result.FirstOffset);
                if (error is not null)
                {
                    lock (failures)
                    {
                        failures.Add(error);
                    }
                }
            }
        })).ToArray();

        var writer = new Random(42);
        var round = 0;
        var deadline = DateTime.UtcNow.AddSeconds(4);
        while (DateTime.UtcNow < deadline)
        {
            var next = log.LogEndOffset;
            log.AppendAsLeader(TestBatches.Create(1, 40, fill: Fill(next, round)), 0);
            switch (writer.Next(50))
            {
                case 0:
                    log.TruncateTo(Math.Max(log.LogStartOffset, log.LogEndOffset - writer.Next(1, 20)));
                    round++;
                    break;
                case 1:
                    log.DeleteOldSegments();
                    break;
                case 2:
                    log.Roll();
                    break;
            }
        }

        stop.Cancel();
        await Task.WhenAll(readers);
        Assert.Empty(failures);
        Assert.True(reads > 1000, $"only {reads} reads");
    }

    private static byte Fill(long offset, int round) => (byte)((offset * 31) + (round * 7));

    private static string? Check(ReadOnlySpan<byte> bytes, long firstOffset)
    {
        var expected = firstOffset;
        for (var position = 0; position < bytes.Length;)
        {
            var error = RecordBatchValidator.Validate(bytes[position..], int.MaxValue, fromProducer: false, out var header);
            if (error != RecordBatchError.None)
            {
                return $"{error} at {position} of a read from {firstOffset}";
            }

            if (header.BaseOffset != expected)
            {
                return $"batch {header.BaseOffset} where {expected} was expected";
            }

            var fill = bytes[position + header.TotalBytes - 2];
            var matchesSomeRound = Enumerable.Range(0, 1000).Any(round => Fill(header.BaseOffset, round) == fill);
            if (!matchesSomeRound)
            {
                return $"batch {header.BaseOffset} carries bytes of another offset";
            }

            expected = header.NextOffset;
            position += header.TotalBytes;
        }

        return null;
    }
}
