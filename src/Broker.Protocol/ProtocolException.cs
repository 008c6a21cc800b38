using Broker.Core.Errors;

namespace Broker.Protocol;

/// <summary>
/// Bytes from a peer broke the protocol. The only exception the codecs let escape on bad input: no
/// IndexOutOfRangeException, no ArgumentException, whatever the bytes. <see cref="FramingLost"/> tells the
/// server whether to close the connection at once or to answer the frame with an error response.
/// </summary>
public sealed class ProtocolException : BrokerException
{
    public ProtocolException(ProtocolViolation violation, string message)
        : base(CodeFor(violation), message) => Violation = violation;

    public ProtocolViolation Violation { get; }

    /// <summary>
    /// True when the frame boundaries are no longer known (negative or oversized size, a frame smaller than its
    /// header, a header that does not parse): the server closes the connection without answering. When false the
    /// frame was whole, so its correlation id can be answered with <see cref="Code"/> before closing.
    /// </summary>
    public bool FramingLost => Violation is ProtocolViolation.NegativeFrameSize or ProtocolViolation.FrameTooLarge
        or ProtocolViolation.FrameTooSmall or ProtocolViolation.MalformedHeader;

    private static ErrorCode CodeFor(ProtocolViolation violation) =>
        violation == ProtocolViolation.UnsupportedVersion ? ErrorCode.UnsupportedVersion : ErrorCode.InvalidRequest;
}
