using System.Text;
using Broker.Core.Compression;
using Broker.Core.Errors;
using Broker.Core.Records;

namespace Broker.Core.Tests.Records;

public class RecordBatchRoundTripTests
{
    public static TheoryData<CompressionType> Codecs => new() { CompressionType.None, CompressionType.Gzip, CompressionType.Lz4, CompressionType.Zstd };

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Records_read_back_as_written(CompressionType compression)
    {
        var random = new Random((int)compression);
        var expected = Enumerable.Range(0, 300).Select(i => new
        {
            Timestamp = 1_700_000_000_000L + random.Next(-5000, 5000),
            Key = i % 7 == 0 ? null : Encoding.UTF8.GetBytes($"key-{i}"),
            Value = i % 11 == 0 ? null : RandomBytes(random, random.Next(0, 3000)),
            Headers = Enumerable.Range(0, i % 3).Select(h => new RecordHeader($"h{h}-é", h == 1 ? null : RandomBytes(random, h * 5))).ToArray(),
        }).ToList();

        using var builder = new RecordBatchBuilder(compression);
        foreach (var r in expected)
        {
            builder.Append(r.Timestamp, r.Key, r.Value, r.Headers);
        }

        var batch = builder.Seal().ToArray();
        RecordBatch.SetBaseOffset(batch, 500);
        Assert.Equal(RecordBatchError.None, RecordBatchValidator.Validate(batch, int.MaxValue, true, out var header));
        Assert.Equal(compression, header.Compression);
        Assert.Equal(expected.Max(r => r.Timestamp), header.MaxTimestamp);

        using var reader = new RecordBatchReader();
        var index = 0;
        foreach (var record in reader.Read(batch))
        {
            var want = expected[index];
            Assert.Equal(500 + index, record.Offset);
            Assert.Equal(want.Timestamp, record.TimestampMs);
            Assert.Equal(want.Key is null, record.KeyIsNull);
            Assert.Equal(want.Key ?? [], record.Key.ToArray());
            Assert.Equal(want.Value is null, record.ValueIsNull);
            Assert.Equal(want.Value ?? [], record.Value.ToArray());
            var headers = record.Headers;
            Assert.Equal(want.Headers.Length, headers.Count);
            var h = 0;
            while (headers.MoveNext())
            {
                Assert.Equal(want.Headers[h].Key, Encoding.UTF8.GetString(headers.CurrentKey));
                Assert.Equal(want.Headers[h].Value is null, headers.CurrentValueIsNull);
                Assert.Equal(want.Headers[h].Value ?? [], headers.CurrentValue.ToArray());
                h++;
            }

            index++;
        }

        Assert.Equal(expected.Count, index);
    }

    [Fact]
    public void Compression_shrinks_repetitive_records()
    {
        var plain = TestBatches.Build(100, valueBytes: 1000);
        foreach (var codec in new[] { CompressionType.Gzip, CompressionType.Lz4, CompressionType.Zstd })
        {
            var compressed = TestBatches.Build(100, valueBytes: 1000, compression: codec);
            Assert.True(compressed.Length < plain.Length / 5, $"{codec}: {compressed.Length} of {plain.Length}");
        }
    }

    [Fact]
    public void Snappy_is_refused_with_a_clear_error()
    {
        using var builder = new RecordBatchBuilder(CompressionType.Snappy);
        builder.Append(0, null, "v"u8.ToArray());
        var error = Assert.Throws<BrokerException>(() => builder.Seal());
        Assert.Equal(ErrorCode.UnsupportedCompressionType, error.Code);
        Assert.Contains("snappy", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Log_append_time_gives_every_record_the_brokers_timestamp()
    {
        var batch = TestBatches.Build(3, baseTimestampMs: 10);
        RecordBatch.SetLogAppendTime(batch, 99_000);
        Assert.Equal(RecordBatchError.None, RecordBatchValidator.Validate(batch, int.MaxValue, true, out var header));
        Assert.Equal(TimestampType.LogAppendTime, header.TimestampType);
        using var reader = new RecordBatchReader();
        foreach (var record in reader.Read(batch))
        {
            Assert.Equal(99_000, record.TimestampMs);
        }
    }

    [Fact]
    public void A_reset_builder_builds_the_same_bytes_again()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1, "a"u8.ToArray(), "b"u8.ToArray());
        var first = builder.Seal().ToArray();
        builder.Reset();
        builder.Append(1, "a"u8.ToArray(), "b"u8.ToArray());
        Assert.Equal(first, builder.Seal().ToArray());
        Assert.Throws<InvalidOperationException>(() => builder.Append(2, null, null));
    }

    [Fact]
    public void Measured_record_size_equals_the_bytes_appended()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(100, "k"u8.ToArray(), "v"u8.ToArray());
        RecordHeader[] headers = [new("trace", new byte[16])];
        var before = builder.SizeBytes;
        var measured = builder.MeasureRecord(100_000, 30, 1000, headers);
        builder.Append(100_000, new byte[30], new byte[1000], headers);
        Assert.Equal(measured, builder.SizeBytes - before);
    }

    [Fact]
    public void Garbage_records_behind_a_valid_crc_fail_as_corrupt_not_as_a_crash()
    {
        var random = new Random(5);
        using var reader = new RecordBatchReader();
        for (var i = 0; i < 5_000; i++)
        {
            var batch = TestBatches.Build(random.Next(1, 4), valueBytes: random.Next(0, 20));
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                batch[random.Next(RecordBatchLayout.HeaderBytes, batch.Length)] = (byte)random.Next(256);
            }

            RecordBatch.UpdateCrc(batch);
            try
            {
                foreach (var record in reader.Read(batch))
                {
                    Assert.True(record.Value.Length <= batch.Length);
                }
            }
            catch (BrokerException e)
            {
                Assert.Equal(ErrorCode.CorruptMessage, e.Code);
            }
        }
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void A_compression_bomb_is_refused(CompressionType codec)
    {
        var batch = TestBatches.Build(200, valueBytes: 10_000, compression: codec);
        using var reader = new RecordBatchReader(decompressedBytesMax: 100_000);
        var error = Assert.Throws<BrokerException>(() => reader.Read(batch));
        Assert.Equal(ErrorCode.CorruptMessage, error.Code);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
