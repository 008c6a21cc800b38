using Broker.Core.Errors;

namespace Broker.Protocol.Messages.DescribeConfigs;

/// <summary>DescribeConfigs v0 response: error_code int16 | throttle_time_ms int32 | results [DescribeConfigsResponseResource].</summary>
public sealed class DescribeConfigsResponse : IResponseMessage<DescribeConfigsResponse>
{
    public static ApiKey ApiKey => ApiKey.DescribeConfigs;

    public ErrorCode ErrorCode { get; init; }

    public int ThrottleTimeMs { get; init; }

    public IReadOnlyList<DescribeConfigsResponseResource> Results { get; init; } = [];

    public static DescribeConfigsResponse Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.DescribeConfigs, version);
        var preamble = ResponsePreamble.Read(ref reader);
        if (preamble.IsErrorOnly(reader))
        {
            return new DescribeConfigsResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs };
        }

        var results = new DescribeConfigsResponseResource[reader.ReadArrayCount(DescribeConfigsResponseResource.EncodedBytesMin)];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = DescribeConfigsResponseResource.Read(ref reader, version);
        }

        return new DescribeConfigsResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs, Results = results };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.DescribeConfigs, version);
        new ResponsePreamble(ErrorCode, ThrottleTimeMs).Write(ref writer);
        writer.WriteArrayCount(Results.Count);
        for (var i = 0; i < Results.Count; i++)
        {
            Results[i].Write(ref writer, version);
        }
    }
}
