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
        Assert.Equal(ErrorCode.InvalidConfig, Assert.Throws<BrokerException>(() => TopicConfigs.Apply(LogConfig.Default, [new("cleanup.policy", "compact")])).Code);
        Assert.All(TopicConfigs.Names, name => Assert.False(string.IsNullOrEmpty(TopicConfigs.ValueOf(LogConfig.Default, name))));
    }
}
