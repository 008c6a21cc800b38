using Broker.Core.Errors;
using Broker.Core.Records;

namespace Broker.Storage.Tests;

public class LogConfigTests
{
    [Fact]
    public void Defaults_are_Kafkas()
    {
        var config = LogConfig.Default;
        Assert.Equal(1 << 30, config.SegmentBytes);
        Assert.Equal(7L * 24 * 3600 * 1000, config.SegmentMs);
        Assert.Equal(4096, config.IndexIntervalBytes);
        Assert.Equal(10 << 20, config.IndexBytesMax);
        Assert.Equal(7L * 24 * 3600 * 1000, config.RetentionMs);
        Assert.Equal(-1, config.RetentionBytes);
        Assert.Equal(1_048_588, config.MaxMessageBytes);
        Assert.Equal(FlushPolicy.Replication, config.Flush);
        Assert.Equal(TimestampType.CreateTime, config.MessageTimestampType);
        Assert.Equal(CleanupPolicy.Delete, config.CleanupPolicy);
        Assert.Equal(24L * 3600 * 1000, config.DeleteRetentionMs);
        Assert.Equal(0.5, config.MinCleanableDirtyRatio);
        Assert.Equal(0, config.MinCompactionLagMs);
        Assert.Equal(128 << 20, CleanerConfig.Default.OffsetMapBytesMax);
        config.Validate();
        CleanerConfig.Default.Validate();
    }

    [Fact]
    public void Limits_relate_as_the_formats_require()
    {
        // Index positions are int32: a segment must fit them.
        Assert.True(LogConfig.SegmentBytesDefault <= int.MaxValue);
        // The smallest segment and the largest message both hold at least one batch header.
        Assert.True(LogConfig.SegmentBytesMin >= RecordBatchLayout.HeaderBytes);
        Assert.True(LogConfig.MaxMessageBytesDefault > RecordBatchLayout.HeaderBytes);
        // A default batch fits a default segment, and the default index can index a whole default segment.
        Assert.True(LogConfig.MaxMessageBytesDefault <= LogConfig.SegmentBytesDefault);
        Assert.True((long)LogConfig.IndexBytesMaxDefault / OffsetIndex.EntryBytes >= LogConfig.SegmentBytesDefault / LogConfig.IndexIntervalBytesDefault);
        // Both index entry sizes divide the minimum, and the time index keeps one slot in reserve.
        Assert.Equal(0, LogConfig.IndexBytesMin % OffsetIndex.EntryBytes);
        Assert.Equal(0, LogConfig.IndexBytesMin % TimeIndex.EntryBytes);
        Assert.True(LogConfig.IndexBytesMin / TimeIndex.EntryBytes >= 2);
        Assert.True(LogConfig.FlushIntervalMsDefault < LogConfig.SegmentMsDefault);
        // A tombstone must outlive a flush interval and be kept no longer than default retention keeps records.
        Assert.True(LogConfig.DeleteRetentionMsDefault > LogConfig.FlushIntervalMsDefault);
        Assert.True(LogConfig.DeleteRetentionMsDefault <= LogConfig.RetentionMsDefault);
        // The smallest offset map holds the keys of a small batch; the largest fits int32-indexed arrays.
        Assert.True(CleanerConfig.OffsetMapBytesMin >= 8 * OffsetMap.EntryBytes);
        Assert.True(CleanerConfig.OffsetMapBytesMaxDefault <= CleanerConfig.OffsetMapBytesMaxLimit);
        Assert.True((long)CleanerConfig.OffsetMapBytesMaxLimit / OffsetMap.EntryBytes < Array.MaxLength);
    }

    [Theory]
    [InlineData("SegmentBytes")]
    [InlineData("SegmentMs")]
    [InlineData("IndexIntervalBytes")]
    [InlineData("IndexBytesMax")]
    [InlineData("RetentionMs")]
    [InlineData("RetentionBytes")]
    [InlineData("MaxMessageBytes")]
    [InlineData("FlushIntervalMs")]
    [InlineData("FileDeleteDelayMs")]
    [InlineData("CleanupPolicyNone")]
    [InlineData("CleanupPolicyUnknown")]
    [InlineData("DeleteRetentionMs")]
    [InlineData("DeleteRetentionMsHuge")]
    [InlineData("MinCleanableDirtyRatio")]
    [InlineData("MinCleanableDirtyRatioNaN")]
    [InlineData("MinCompactionLagMs")]
    [InlineData("WritebackBytes")]
    [InlineData("PageCacheWindowBytes")]
    public void Validate_rejects_impossible_values(string property)
    {
        var config = property switch
        {
            "SegmentBytes" => LogConfig.Default with { SegmentBytes = 10 },
            "SegmentMs" => LogConfig.Default with { SegmentMs = 0 },
            "IndexIntervalBytes" => LogConfig.Default with { IndexIntervalBytes = 0 },
            "IndexBytesMax" => LogConfig.Default with { IndexBytesMax = 12 },
            "RetentionMs" => LogConfig.Default with { RetentionMs = -2 },
            "RetentionBytes" => LogConfig.Default with { RetentionBytes = -5 },
            "MaxMessageBytes" => LogConfig.Default with { MaxMessageBytes = 60 },
            "FlushIntervalMs" => LogConfig.Default with { FlushIntervalMs = 0 },
            "CleanupPolicyNone" => LogConfig.Default with { CleanupPolicy = 0 },
            "CleanupPolicyUnknown" => LogConfig.Default with { CleanupPolicy = (CleanupPolicy)4 },
            "DeleteRetentionMs" => LogConfig.Default with { DeleteRetentionMs = -1 },
            "DeleteRetentionMsHuge" => LogConfig.Default with { DeleteRetentionMs = long.MaxValue },
            "MinCleanableDirtyRatio" => LogConfig.Default with { MinCleanableDirtyRatio = 1.5 },
            "MinCleanableDirtyRatioNaN" => LogConfig.Default with { MinCleanableDirtyRatio = double.NaN },
            "MinCompactionLagMs" => LogConfig.Default with { MinCompactionLagMs = -1 },
            "WritebackBytes" => LogConfig.Default with { WritebackBytes = -1 },
            "PageCacheWindowBytes" => LogConfig.Default with { PageCacheWindowBytes = LogConfig.PageCacheDropStepBytes - 1 },
            _ => LogConfig.Default with { FileDeleteDelayMs = -1 },
        };
        Assert.Equal(ErrorCode.InvalidConfig, Assert.Throws<BrokerException>(() => config.Validate()).Code);
    }

    [Fact]
    public void Both_policies_together_are_valid_and_the_cleaner_config_has_limits()
    {
        var both = LogConfig.Default with { CleanupPolicy = CleanupPolicy.Compact | CleanupPolicy.Delete };
        both.Validate();
        Assert.True(both.Compacts && both.Deletes);
        Assert.Equal(ErrorCode.InvalidConfig, Assert.Throws<BrokerException>(() => (CleanerConfig.Default with { OffsetMapBytesMax = 10 }).Validate()).Code);
        Assert.Equal(ErrorCode.InvalidConfig, Assert.Throws<BrokerException>(() => (CleanerConfig.Default with { DirtyBytesPerPassMax = 0 }).Validate()).Code);
    }
}
