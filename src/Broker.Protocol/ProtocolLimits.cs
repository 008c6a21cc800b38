namespace Broker.Protocol;

/// <summary>
/// The size limits of the wire protocol, in one place. Units are the last word of each name. The relations between
/// them are asserted by ProtocolLimitsTests.
/// </summary>
public static class ProtocolLimits
{
    /// <summary>
    /// Default cap on a frame's size field (bytes after the size). Kafka's socket.request.max.bytes: 100 MiB leaves
    /// room for a Produce request of several full 1 MiB batches per partition while bounding what one connection can
    /// make the server buffer. Each listener may set its own.
    /// </summary>
    public const int FrameBytesMaxDefault = 100 * 1024 * 1024;

    /// <summary>The int32 size prefix of every frame.</summary>
    public const int FrameSizeBytes = 4;

    /// <summary>api_key int16, api_version int16, correlation_id int32 and a null client_id (int16 -1).</summary>
    public const int RequestHeaderBytesMin = 2 + 2 + 4 + 2;

    /// <summary>correlation_id int32.</summary>
    public const int ResponseHeaderBytes = 4;

    /// <summary>A string's length is an int16, so no encoded string is longer than this.</summary>
    public const int StringBytesMax = short.MaxValue;

    /// <summary>error_code int16 and throttle_time_ms int32: the preamble every response body starts with.</summary>
    public const int ResponsePreambleBytes = 2 + 4;
}
