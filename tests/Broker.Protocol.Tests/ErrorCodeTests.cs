using Broker.Core.Errors;

namespace Broker.Protocol.Tests;

public class ErrorCodeTests
{
    [Fact]
    public void Every_code_has_its_own_kafka_style_name_and_a_description()
    {
        var codes = Enum.GetValues<ErrorCode>();
        var names = codes.Select(ErrorCodes.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, name => Assert.Matches("^[A-Z_]+$", name));
        Assert.All(codes, code => Assert.False(string.IsNullOrWhiteSpace(ErrorCodes.Describe(code))));
        Assert.DoesNotContain(names, n => n.StartsWith("UNKNOWN_CODE", StringComparison.Ordinal));
    }

    [Fact]
    public void Numbers_follow_kafka()
    {
        Assert.Equal(35, (short)ErrorCode.UnsupportedVersion);
        Assert.Equal(42, (short)ErrorCode.InvalidRequest);
        Assert.Equal(74, (short)ErrorCode.FencedLeaderEpoch);
        Assert.Equal(75, (short)ErrorCode.UnknownLeaderEpoch);
        Assert.Equal(45, (short)ErrorCode.OutOfOrderSequenceNumber);
        Assert.Equal(46, (short)ErrorCode.DuplicateSequenceNumber);
        Assert.Equal(47, (short)ErrorCode.InvalidProducerEpoch);
        Assert.Equal(59, (short)ErrorCode.UnknownProducerId);
        Assert.Equal(12, (short)ErrorCode.OffsetMetadataTooLarge);
        Assert.Equal("OUT_OF_ORDER_SEQUENCE_NUMBER", ErrorCodes.Name(ErrorCode.OutOfOrderSequenceNumber));
        Assert.Equal("KAFKA_STORAGE_ERROR", ErrorCodes.Name(ErrorCode.StorageError));
        Assert.Equal("UNKNOWN_CODE_999", ErrorCodes.Name((ErrorCode)999));
    }

    [Theory]
    [InlineData(ErrorCode.NotLeaderOrFollower, true)]
    [InlineData(ErrorCode.FencedLeaderEpoch, true)]
    [InlineData(ErrorCode.UnknownLeaderEpoch, true)]
    [InlineData(ErrorCode.RequestTimedOut, true)]
    [InlineData(ErrorCode.UnsupportedVersion, false)]
    [InlineData(ErrorCode.InvalidRequest, false)]
    [InlineData(ErrorCode.TopicAlreadyExists, false)]
    [InlineData(ErrorCode.OutOfOrderSequenceNumber, false)] // the producer resolves it itself, by order or by epoch
    [InlineData(ErrorCode.UnknownProducerId, false)]
    [InlineData(ErrorCode.InvalidProducerEpoch, false)]
    [InlineData(ErrorCode.DuplicateSequenceNumber, false)]
    public void Retriability_is_kafkas(ErrorCode code, bool retriable) => Assert.Equal(retriable, ErrorCodes.IsRetriable(code));

    [Fact]
    public void Protocol_errors_carry_codes_a_server_can_answer_with()
    {
        Assert.Equal(ErrorCode.InvalidRequest, new ProtocolException(ProtocolViolation.MalformedBody, "x").Code);
        Assert.Equal(ErrorCode.UnsupportedVersion, new ProtocolException(ProtocolViolation.UnsupportedVersion, "x").Code);
        Assert.False(new ProtocolException(ProtocolViolation.MalformedBody, "x").FramingLost);
        Assert.False(new ProtocolException(ProtocolViolation.MalformedBody, "x").IsRetriable);
    }
}
