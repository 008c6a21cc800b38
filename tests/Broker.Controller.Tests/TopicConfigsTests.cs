using Broker.Controller.Configs;
using Broker.Core.Errors;
using Broker.Storage;

namespace Broker.Controller.Tests;

public class TopicConfigsTests
{
    [Fact]
    public void Known_keys_parse_into_the_log_config_and_bad_values_are_refused()
    {
        var config = TopicConfigs.Apply(LogConfig.Default, [new("retention.bytes", "-1"), new("flush", "always"), new("message.timestamp.type", "LogAppendTime")]);
        Assert.Equal(FlushPolicy.Always, config.Flush);
        Assert.Equal(Broker.Core.Records.TimestampType.LogAppendTime, config.MessageTimestampType);
        Assert.All(TopicConfigs.Names, name => Assert.False(string.IsNullOrEmpty(TopicConfigs.ValueOf(LogConfig.Default, name))));
    }

    [Theory]
    [InlineData("delete", CleanupPolicy.Delete)]
    [InlineData("compact", CleanupPolicy.Compact)]
    [InlineData("compact,delete", CleanupPolicy.Compact | CleanupPolicy.Delete)]
    [InlineData("delete, compact", CleanupPolicy.Compact | CleanupPolicy.Delete)]
    public void Cleanup_policy_accepts_delete_compact_and_both(string value, CleanupPolicy expected)
    {
        var config = TopicConfigs.Apply(LogConfig.Default, [new("cleanup.policy", value)]);
        Assert.Equal(expected, config.CleanupPolicy);
        Assert.Equal(config.CleanupPolicy, TopicConfigs.Apply(LogConfig.Default, [new("cleanup.policy", TopicConfigs.ValueOf(config, "cleanup.policy"))]).CleanupPolicy);
    }

    [Theory]
    [InlineData("cleanup.policy", "foo")]
    [InlineData("cleanup.policy", "compact,foo")]
    [InlineData("cleanup.policy", "")]
    [InlineData("delete.retention.ms", "-1")]
    [InlineData("min.cleanable.dirty.ratio", "1.5")]
    [InlineData("min.cleanable.dirty.ratio", "half")]
    [InlineData("min.compaction.lag.ms", "-5")]
    public void Bad_compaction_values_are_refused(string name, string value) =>
        Assert.Equal(ErrorCode.InvalidConfig, Assert.Throws<BrokerException>(() => TopicConfigs.Apply(LogConfig.Default, [new(name, value)])).Code);

    [Fact]
    public void Compaction_keys_map_to_the_log_config()
    {
        var config = TopicConfigs.Apply(LogConfig.Default, [new("delete.retention.ms", "1000"), new("min.cleanable.dirty.ratio", "0.25"), new("min.compaction.lag.ms", "60000")]);
        Assert.Equal((1000L, 0.25, 60_000L), (config.DeleteRetentionMs, config.MinCleanableDirtyRatio, config.MinCompactionLagMs));
        Assert.Equal("0.25", TopicConfigs.ValueOf(config, "min.cleanable.dirty.ratio"));
    }
}
