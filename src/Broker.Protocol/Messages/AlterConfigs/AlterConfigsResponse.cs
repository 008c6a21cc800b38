using Broker.Core.Errors;

namespace Broker.Protocol.Messages.AlterConfigs;

/// <summary>AlterConfigs v0 response: error_code int16 | throttle_time_ms int32 | results [AlterConfigsResponseResource].</summary>
public sealed class AlterConfigsResponse : IResponseMessage<AlterConfigsResponse>
{
    public static ApiKey ApiKey => ApiKey.AlterConfigs;

    public ErrorCode ErrorCode { get; init; }

    public int ThrottleTimeMs { get; init; }

    public IReadOnlyList<AlterConfigsResponseResource> Results { get; init; } = [];

    public static AlterConfigsResponse Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.AlterConfigs, version);
        var preamble = ResponsePreamble.Read(ref reader);
        if (preamble.IsErrorOnly(reader))
        {
            return new AlterConfigsResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs };
        }

        var results = new AlterConfigsResponseResource[reader.ReadArrayCount(AlterConfigsResponseResource.EncodedBytesMin)];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = AlterConfigsResponseResource.Read(ref reader, version);
        }

        return new AlterConfigsResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs, Results = results };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.AlterConfigs, version);
        new ResponsePreamble(ErrorCode, ThrottleTimeMs).Write(ref writer);
        writer.WriteArrayCount(Results.Count);
        for (var i = 0; i < Results.Count; i++)
        {
            Results[i].Write(ref writer, version);
        }
    }
}
