using System.Buffers.Binary;
using Broker.Core.Errors;
using Broker.Core.Records;

namespace Broker.Core.Tests.Records;

public class RecordBatchValidatorTests
{
    private const int BatchBytesMax = 1024 * 1024;

    [Fact]
    public void A_built_batch_is_valid_and_its_header_reads_back()
    {
        var batch = TestBatches.Build(5, baseTimestampMs: 1_700_000_000_000);
        Assert.Equal(RecordBatchError.None, RecordBatchValidator.Validate(batch, BatchBytesMax, fromProducer: true, out var header));
        Assert.Equal(5, header.RecordCount);
        Assert.Equal(4, header.LastOffsetDelta);
        Assert.Equal(batch.Length, header.TotalBytes);
        Assert.Equal(1_700_000_000_004, header.MaxTimestamp);
    }

    [Fact]
    public void Every_truncation_is_reported_as_truncated_never_as_valid()
    {
        var batch = TestBatches.Build(3);
        for (var length = 0; length < batch.Length; length++)
        {
            Assert.Equal(RecordBatchError.Truncated, RecordBatchValidator.Validate(batch.AsSpan(0, length), BatchBytesMax, true, out _));
        }
    }

    [Fact]
    public void Every_single_bit_flip_outside_the_base_offset_and_epoch_is_detected()
    {
        var batch = TestBatches.Build(3);
        for (var bit = 12 * 8; bit < batch.Length * 8; bit++)
        {
            if (bit / 8 is >= RecordBatchLayout.PartitionLeaderEpochOffset and < RecordBatchLayout.MagicOffset)
            {
                continue; // the leader epoch is outside the CRC by design: the broker rewrites it
            }

            var damaged = (byte[])batch.Clone();
            damaged[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.NotEqual(RecordBatchError.None, RecordBatchValidator.Validate(damaged, BatchBytesMax, false, out _));
        }
    }

    [Fact]
    public void Base_offset_and_leader_epoch_are_set_in_place_without_breaking_the_crc()
    {
        var batch = TestBatches.Build(2);
        RecordBatch.SetBaseOffset(batch, 1234);
        RecordBatch.SetPartitionLeaderEpoch(batch, 7);
        Assert.Equal(RecordBatchError.None, RecordBatchValidator.Validate(batch, BatchBytesMax, true, out var header));
        Assert.Equal(1234, header.BaseOffset);
        Assert.Equal(1235, header.LastOffset);
        Assert.Equal(7, header.PartitionLeaderEpoch);
    }

    [Fact]
    public void Oversize_batch_is_refused_as_message_too_large()
    {
        var batch = TestBatches.Build(10, valueBytes: 100);
        Assert.Equal(RecordBatchError.InvalidLength, RecordBatchValidator.Validate(batch, batch.Length - 1, true, out _));
        var error = Assert.Throws<BrokerException>(() => RecordBatchValidator.ValidateOrThrow(batch, batch.Length - 1, true));
        Assert.Equal(ErrorCode.MessageTooLarge, error.Code);
        Assert.Equal($"The record batch is {batch.Length} bytes, more than the topic's max.message.bytes ({batch.Length - 1}).", error.Message);
        Assert.Equal(RecordBatchError.None, RecordBatchValidator.Validate(batch, batch.Length, true, out _));
    }

    [Fact]
    public void Each_refusal_names_what_is_wrong_in_the_batchs_own_numbers()
    {
        var batch = TestBatches.Build(2);
        Assert.Equal(
            $"The record batch is cut short: its length field says {batch.Length} bytes, {batch.Length - 1} were sent.",
            Assert.Throws<BrokerException>(() => RecordBatchValidator.ValidateOrThrow(batch.AsSpan(0, batch.Length - 1), BatchBytesMax, true)).Message);
        Assert.Contains("less than a batch header", Assert.Throws<BrokerException>(() => RecordBatchValidator.ValidateOrThrow(batch.AsSpan(0, 10), BatchBytesMax, true)).Message);

        var magic = (byte[])batch.Clone();
        magic[RecordBatchLayout.MagicOffset] = 1;
        Assert.Equal(
            "Record batch format (magic) 1 is not supported; only magic 2 (Kafka 0.11 and later) is.",
            Assert.Throws<BrokerException>(() => RecordBatchValidator.ValidateOrThrow(magic, BatchBytesMax, true)).Message);

        var crc = (byte[])batch.Clone();
        crc[^1] ^= 0x40;
        var corrupt = Assert.Throws<BrokerException>(() => RecordBatchValidator.ValidateOrThrow(crc, BatchBytesMax, true));
        Assert.Equal(ErrorCode.CorruptMessage, corrupt.Code);
        Assert.Contains("CRC-32C does not match", corrupt.Message);

        var count = (byte[])batch.Clone();
        BinaryPrimitives.WriteInt32BigEndian(count.AsSpan(RecordBatchLayout.LastOffsetDeltaOffset), 9);
        RecordBatch.UpdateCrc(count);
        Assert.Equal(
            "The record batch's record count (2) does not fit its last offset delta (9) or its size.",
            Assert.Throws<BrokerException>(() => RecordBatchValidator.ValidateOrThrow(count, BatchBytesMax, true)).Message);
    }

    [Fact]
    public void Other_magic_values_are_unsupported()
    {
        var batch = TestBatches.Build(1);
        batch[RecordBatchLayout.MagicOffset] = 1;
        Assert.Equal(RecordBatchError.UnsupportedMagic, RecordBatchValidator.Validate(batch, BatchBytesMax, true, out _));
    }

    [Fact]
    public void A_producer_batch_must_have_consecutive_offsets_but_a_compacted_one_may_have_gaps()
    {
        var batch = TestBatches.Build(3);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchLayout.LastOffsetDeltaOffset), 9);
        RecordBatch.UpdateCrc(batch);
        Assert.Equal(RecordBatchError.InvalidRecordCount, RecordBatchValidator.Validate(batch, BatchBytesMax, fromProducer: true, out _));
        Assert.Equal(RecordBatchError.None, RecordBatchValidator.Validate(batch, BatchBytesMax, fromProducer: false, out _));
    }

    [Fact]
    public void A_record_count_the_bytes_cannot_hold_is_refused()
    {
        var batch = TestBatches.Build(2);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchLayout.RecordCountOffset), 1_000_000);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchLayout.LastOffsetDeltaOffset), 999_999);
        RecordBatch.UpdateCrc(batch);
        Assert.Equal(RecordBatchError.InvalidRecordCount, RecordBatchValidator.Validate(batch, BatchBytesMax, true, out _));
    }

    [Fact]
    public void Codec_numbers_beyond_zstd_are_refused()
    {
        var batch = TestBatches.Build(1);
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(RecordBatchLayout.AttributesOffset), 6);
        RecordBatch.UpdateCrc(batch);
        Assert.Equal(RecordBatchError.InvalidCompression, RecordBatchValidator.Validate(batch, BatchBytesMax, true, out _));
        Assert.Equal(ErrorCode.UnsupportedCompressionType, Assert.Throws<BrokerException>(() => RecordBatchValidator.ValidateOrThrow(batch, BatchBytesMax, true)).Code);
    }

    [Fact]
    public void Random_garbage_is_never_valid()
    {
        var random = new Random(3);
        for (var i = 0; i < 10_000; i++)
        {
            var garbage = new byte[random.Next(0, 300)];
            random.NextBytes(garbage);
            Assert.NotEqual(RecordBatchError.None, RecordBatchValidator.Validate(garbage, BatchBytesMax, false, out _));
        }
    }

    [Fact]
    public void The_batch_enumerator_returns_whole_batches_and_stops_before_a_partial_one()
    {
        var a = TestBatches.Build(2);
        var b = TestBatches.Build(3);
        var set = RecordBatchFormatTests.Concat(a, b, b.AsSpan(0, b.Length - 1).ToArray());
        var sizes = new List<int>();
        var enumerator = new RecordBatchEnumerator(set);
        foreach (var batch in enumerator)
        {
            sizes.Add(batch.Length);
        }

        Assert.Equal([a.Length, b.Length], sizes);
    }
}
