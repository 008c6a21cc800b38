namespace Broker.Protocol;

/// <summary>What was wrong with bytes received from a peer. Decides whether the connection can carry on.</summary>
public enum ProtocolViolation
{
    /// <summary>The frame's size field is negative. The stream cannot be resynchronised.</summary>
    NegativeFrameSize,

    /// <summary>The frame's size field exceeds the listener's maximum. The stream cannot be resynchronised.</summary>
    FrameTooLarge,

    /// <summary>The frame is smaller than its header. The stream cannot be trusted.</summary>
    FrameTooSmall,

    /// <summary>The request header does not parse (for example its client_id is cut short or not UTF-8).</summary>
    MalformedHeader,

    /// <summary>The body does not parse: truncated, a lying length or count, bad UTF-8, trailing bytes.</summary>
    MalformedBody,

    /// <summary>A message codec was asked for a version that <see cref="ApiVersionsTable"/> does not list.</summary>
    UnsupportedVersion,
}
