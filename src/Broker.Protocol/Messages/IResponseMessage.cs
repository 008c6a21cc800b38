using Broker.Core.Errors;

namespace Broker.Protocol.Messages;

/// <summary>
/// A response body. Every response body starts with the same preamble, error_code int16 and throttle_time_ms
/// int32, so a server can answer any request it cannot serve (unknown API, unsupported version, a body that does
/// not parse) with an error-only body (the preamble alone) that every response type reads.
/// </summary>
public interface IResponseMessage<TSelf> : IMessage<TSelf>
    where TSelf : IResponseMessage<TSelf>
{
    /// <summary>The top-level error. When it is not None and the body ended after the preamble, nothing else was sent.</summary>
    ErrorCode ErrorCode { get; }

    /// <summary>How long the server throttled this response, in milliseconds; 0 when it did not.</summary>
    int ThrottleTimeMs { get; }
}
