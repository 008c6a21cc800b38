using Broker.Core.Errors;

namespace Broker.Protocol.Messages.ApiVersions;

/// <summary>
/// ApiVersions v0 response: error_code int16 | throttle_time_ms int32 | api_keys [api_key int16 | min_version int16
/// | max_version int16].
/// </summary>
public sealed class ApiVersionsResponse : IResponseMessage<ApiVersionsResponse>
{
    public static ApiKey ApiKey => ApiKey.ApiVersions;

    public ErrorCode ErrorCode { get; init; }

    public int ThrottleTimeMs { get; init; }

    public IReadOnlyList<ApiVersionRange> ApiKeys { get; init; } = [];

    /// <summary>What this build answers: the whole of <see cref="ApiVersionsTable"/>, with <paramref name="errorCode"/>
    /// (UNSUPPORTED_VERSION when the request's version was unknown).</summary>
    public static ApiVersionsResponse FromTable(ErrorCode errorCode = ErrorCode.None) =>
        new() { ErrorCode = errorCode, ApiKeys = ApiVersionsTable.Supported };

    public static ApiVersionsResponse Read(ref ProtocolReader reader, short version)
    {
        // Any version reads as v0: the server answers versions it does not know with this layout.
        var preamble = ResponsePreamble.Read(ref reader);
        if (preamble.IsErrorOnly(reader))
        {
            return new ApiVersionsResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs };
        }

        var ranges = new ApiVersionRange[reader.ReadArrayCount(ApiVersionRange.EncodedBytes)];
        for (var i = 0; i < ranges.Length; i++)
        {
            ranges[i] = new ApiVersionRange((ApiKey)reader.ReadInt16(), reader.ReadInt16(), reader.ReadInt16());
        }

        return new ApiVersionsResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs, ApiKeys = ranges };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        new ResponsePreamble(ErrorCode, ThrottleTimeMs).Write(ref writer);
        writer.WriteArrayCount(ApiKeys.Count);
        for (var i = 0; i < ApiKeys.Count; i++)
        {
            writer.WriteInt16((short)ApiKeys[i].ApiKey);
            writer.WriteInt16(ApiKeys[i].MinVersion);
            writer.WriteInt16(ApiKeys[i].MaxVersion);
        }
    }
}
