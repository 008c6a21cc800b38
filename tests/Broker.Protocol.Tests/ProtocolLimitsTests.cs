namespace Broker.Protocol.Tests;

public class ProtocolLimitsTests
{
    [Fact]
    public void Limits_relate_as_the_framing_needs()
    {
        // The default cap must admit the largest single batch Kafka's defaults allow (message.max.bytes ~1 MiB),
        // many times over, and still fit the int32 size field.
        Assert.True(ProtocolLimits.FrameBytesMaxDefault >= 64 * 1024 * 1024);
        Assert.True(ProtocolLimits.FrameBytesMaxDefault < int.MaxValue);
        Assert.Equal(ProtocolLimits.RequestHeaderBytesMin, sizeof(short) + sizeof(short) + sizeof(int) + sizeof(short));
        Assert.Equal(ProtocolLimits.ResponseHeaderBytes, sizeof(int));
        Assert.Equal(short.MaxValue, ProtocolLimits.StringBytesMax);
        Assert.True(ProtocolLimits.RequestHeaderBytesMin + ProtocolLimits.StringBytesMax < ProtocolLimits.FrameBytesMaxDefault);
    }
}
