using System.Buffers.Binary;
using Broker.Core.Errors;
using Broker.Core.Records;

namespace Broker.Storage.Tests;

public class PartitionLogBadInputTests
{
    public static TheoryData<string, ErrorCode> Cases => new()
    {
        { "crc", ErrorCode.CorruptMessage },
        { "magic", ErrorCode.InvalidRecord },
        { "oversize", ErrorCode.MessageTooLarge },
        { "codec", ErrorCode.UnsupportedCompressionType },
        { "truncated", ErrorCode.InvalidRecord },
        { "count", ErrorCode.InvalidRecord },
        { "empty", ErrorCode.InvalidRecord },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_bad_batch_anywhere_in_a_request_appends_nothing(string damage, ErrorCode expected)
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, TestLogs.Small with { MaxMessageBytes = 2000 });
        log.Append(TestBatches.Create(1));
        var sizeBefore = log.SizeInBytes;
        var bad = Damage(damage);
        var request = damage == "empty" ? [] : TestBatches.Concat(TestBatches.Create(2), bad);
        var error = Assert.Throws<BrokerException>(() => log.AppendAsLeader(request, 0));
        Assert.Equal(expected, error.Code);
        Assert.Equal(1, log.LogEndOffset);
        Assert.Equal(sizeBefore, log.SizeInBytes);
        Assert.Equal(sizeBefore, new FileInfo(LogFileNames.LogFile(dir.Path, 0)).Length);
    }

    [Fact]
    public void Follower_append_keeps_offsets_accepts_compaction_gaps_and_refuses_overlaps()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        var a = TestBatches.WithOffset(TestBatches.Create(3), 0, leaderEpoch: 1);
        var b = TestBatches.WithOffset(TestBatches.Create(2), 3, leaderEpoch: 2);
        Assert.Equal(new AppendResult(0, 4, -1, 5), log.AppendAsFollower(TestBatches.Concat(a, b)));
        Assert.Equal([new EpochEntry(1, 0), new EpochEntry(2, 3)], log.LeaderEpochs.Entries);
        Assert.Equal(TestBatches.Concat(a, b), log.Read(0, 1 << 20).Bytes());

        var below = TestBatches.WithOffset(TestBatches.Create(1), 4);
        Assert.Equal(ErrorCode.OffsetOutOfRange, Assert.Throws<BrokerException>(() => log.AppendAsFollower(below)).Code);
        var overlapping = TestBatches.Concat(TestBatches.WithOffset(TestBatches.Create(2), 5), TestBatches.WithOffset(TestBatches.Create(1), 6));
        Assert.Equal(ErrorCode.OffsetOutOfRange, Assert.Throws<BrokerException>(() => log.AppendAsFollower(overlapping)).Code);
        Assert.Equal(5, log.LogEndOffset);

        // A compacted leader's log has gaps where the cleaner dropped whole batches; the follower keeps them.
        var gapped = TestBatches.Concat(TestBatches.WithOffset(TestBatches.Create(1), 7), TestBatches.WithOffset(TestBatches.Create(1), 9));
        Assert.Equal(new AppendResult(7, 9, -1, 2), log.AppendAsFollower(gapped));
        Assert.Equal(10, log.LogEndOffset);
        Assert.Equal(7, log.Read(5, 1 << 20).FirstOffset);
        Assert.Equal(9, log.Read(8, 1 << 20).FirstOffset);
    }

    private static byte[] Damage(string damage)
    {
        var batch = TestBatches.Create(3);
        switch (damage)
        {
            case "crc":
                batch[^1] ^= 0x10;
                break;
            case "magic":
                batch[RecordBatchLayout.MagicOffset] = 1;
                break;
            case "oversize":
                batch = TestBatches.Create(3, 1000);
                break;
            case "codec":
                BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(RecordBatchLayout.AttributesOffset), 6);
                RecordBatch.UpdateCrc(batch);
                break;
            case "truncated":
                batch = batch[..^3];
                break;
            case "count":
                BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchLayout.LastOffsetDeltaOffset), 7);
                RecordBatch.UpdateCrc(batch);
                break;
        }

        return batch;
    }
}
