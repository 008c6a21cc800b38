using Broker.Client.Network;
using Broker.Core.Compression;

namespace Broker.Client.Tests;

public class OptionsTests
{
    [Fact]
    public void Producer_defaults_are_Kafka_4s()
    {
        var options = new ProducerOptions();
        Assert.Equal(Broker.Protocol.Messages.Produce.ProduceAcks.All, options.Acks);
        Assert.Equal(16 * 1024, options.BatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(5), options.Linger);
        Assert.Equal(32L * 1024 * 1024, options.BufferMemory);
        Assert.Equal(TimeSpan.FromMinutes(2), options.DeliveryTimeout);
        Assert.Equal(1024 * 1024, options.MaxRequestBytes);
        Assert.True(options.EnableIdempotence);
        Assert.True(options.IsIdempotent);
        Assert.Equal(5, options.MaxInFlightRequestsPerPartition);
        options.Validate();
    }

    [Fact]
    public void Idempotence_left_unset_gives_way_to_settings_that_exclude_it()
    {
        Assert.False(new ProducerOptions { Acks = Broker.Protocol.Messages.Produce.ProduceAcks.Leader }.IsIdempotent);
        Assert.False(new ProducerOptions { Acks = Broker.Protocol.Messages.Produce.ProduceAcks.None }.IsIdempotent);
        Assert.False(new ProducerOptions { Retries = 0 }.IsIdempotent);
        Assert.False(new ProducerOptions { MaxInFlightRequestsPerPartition = 6 }.IsIdempotent);
        new ProducerOptions { Acks = Broker.Protocol.Messages.Produce.ProduceAcks.Leader, MaxInFlightRequestsPerPartition = 20 }.Validate();
        Assert.False(new ProducerOptions { EnableIdempotence = false }.IsIdempotent);
        Assert.True(new ProducerOptions { EnableIdempotence = true, MaxInFlightRequestsPerPartition = 1 }.IsIdempotent);
    }

    [Theory]
    [InlineData(Broker.Protocol.Messages.Produce.ProduceAcks.Leader, 5, 3, "Acks")]
    [InlineData(Broker.Protocol.Messages.Produce.ProduceAcks.None, 5, 3, "Acks")]
    [InlineData(Broker.Protocol.Messages.Produce.ProduceAcks.All, 6, 3, "MaxInFlightRequestsPerPartition")]
    [InlineData(Broker.Protocol.Messages.Produce.ProduceAcks.All, 5, 0, "Retries")]
    public void Idempotence_set_explicitly_against_other_settings_is_a_clear_error(Broker.Protocol.Messages.Produce.ProduceAcks acks, int inFlight, int retries, string named)
    {
        var options = new ProducerOptions { EnableIdempotence = true, Acks = acks, MaxInFlightRequestsPerPartition = inFlight, Retries = retries };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("EnableIdempotence", error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Consumer_defaults_are_Kafkas_and_fit_the_response_frame_cap()
    {
        var options = new ConsumerOptions();
        Assert.Equal(1, options.FetchMinBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.FetchMaxWait);
        Assert.Equal(1024 * 1024, options.MaxPartitionFetchBytes);
        Assert.Equal(50 * 1024 * 1024, options.FetchMaxBytes);
        Assert.True(options.CheckCrcs);
        Assert.Equal(AutoOffsetReset.Latest, options.AutoOffsetReset);
        options.Validate();
    }

    public static TheoryData<Action<ProducerOptions>, string> BadProducerOptions => new()
    {
        { o => o.BatchSize = 0, nameof(ProducerOptions.BatchSize) },
        { o => o.BatchSize = 2 * 1024 * 1024, nameof(ProducerOptions.BatchSize) },
        { o => o.BufferMemory = 1000, nameof(ProducerOptions.BufferMemory) },
        { o => o.Compression = CompressionType.Snappy, nameof(ProducerOptions.Compression) },
        { o => o.DeliveryTimeout = TimeSpan.FromSeconds(1), nameof(ProducerOptions.DeliveryTimeout) },
        { o => o.Acks = (Broker.Protocol.Messages.Produce.ProduceAcks)2, nameof(ProducerOptions.Acks) },
        { o => o.BootstrapServers = "", "bootstrap" },
        { o => o.BootstrapServers = "host-without-port", "host:port" },
        { o => o.RetryBackoffMax = TimeSpan.FromMilliseconds(1), nameof(ProducerOptions.RetryBackoffMax) },
        { o => o.Retries = -1, nameof(ProducerOptions.Retries) },
        { o => o.MaxInFlightRequestsPerPartition = 0, nameof(ProducerOptions.MaxInFlightRequestsPerPartition) },
    };

    [Theory]
    [MemberData(nameof(BadProducerOptions))]
    public void Producer_options_that_cannot_work_are_refused_naming_the_setting(Action<ProducerOptions> change, string named)
    {
        var options = new ProducerOptions();
        change(options);
        var error = Assert.ThrowsAny<ArgumentException>(options.Validate);
        Assert.Contains(named, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_fetch_larger_than_the_response_frame_cap_is_refused()
    {
        var options = new ConsumerOptions { FetchMaxBytes = 100 * 1024 * 1024 };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(nameof(ConsumerOptions.ResponseFrameBytesMax), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bootstrap_servers_parse_as_Kafkas_list()
    {
        var endpoints = BrokerEndpoint.ParseList(" a:1, b.example:9192 ,[::1]:9 ");
        Assert.Equal([new BrokerEndpoint("a", 1), new BrokerEndpoint("b.example", 9192), new BrokerEndpoint("::1", 9)], endpoints);
        Assert.Throws<ArgumentException>(() => BrokerEndpoint.ParseList("a:0"));
        Assert.Throws<ArgumentException>(() => BrokerEndpoint.ParseList("a:70000"));
    }

    [Fact]
    public void The_constructors_validate() =>
        Assert.Throws<ArgumentException>(() => new Producer(new ProducerOptions { BatchSize = -1 }));
}
