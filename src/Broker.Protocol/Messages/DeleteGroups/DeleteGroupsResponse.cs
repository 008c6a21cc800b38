using Broker.Core.Errors;

namespace Broker.Protocol.Messages.DeleteGroups;

/// <summary>DeleteGroups v0 response: error_code int16 | throttle_time_ms int32 | results [DeleteGroupsResult].</summary>
public sealed class DeleteGroupsResponse : IResponseMessage<DeleteGroupsResponse>
{
    public static ApiKey ApiKey => ApiKey.DeleteGroups;

    public ErrorCode ErrorCode { get; init; }

    public int ThrottleTimeMs { get; init; }

    public IReadOnlyList<DeleteGroupsResult> Results { get; init; } = [];

    public static DeleteGroupsResponse Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.DeleteGroups, version);
        var preamble = ResponsePreamble.Read(ref reader);
        if (preamble.IsErrorOnly(reader))
        {
            return new DeleteGroupsResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs };
        }

        var results = new DeleteGroupsResult[reader.ReadArrayCount(DeleteGroupsResult.EncodedBytesMin)];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = DeleteGroupsResult.Read(ref reader, version);
        }

        return new DeleteGroupsResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs, Results = results };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.DeleteGroups, version);
        new ResponsePreamble(ErrorCode, ThrottleTimeMs).Write(ref writer);
        writer.WriteArrayCount(Results.Count);
        for (var i = 0; i < Results.Count; i++)
        {
            Results[i].Write(ref writer, version);
        }
    }
}
