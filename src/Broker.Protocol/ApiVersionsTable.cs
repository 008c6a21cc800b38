using Broker.Core.Errors;

namespace Broker.Protocol;

/// <summary>
/// The one table of the API versions this build speaks. ApiVersions responses list it, the server checks each
/// request header against it (<see cref="Check"/>) before reading a body, and every message's Read and Write
/// refuse a version outside it, so the three can never disagree.
/// </summary>
public static class ApiVersionsTable
{
    /// <summary>Every implemented API, in key order. The group APIs of <see cref="ApiKey"/> are reserved, not here.</summary>
    public static IReadOnlyList<ApiVersionRange> Supported { get; } =
    [
        new(ApiKey.Produce, 0, 0),
        new(ApiKey.Fetch, 0, 0),
        new(ApiKey.ListOffsets, 0, 0),
        new(ApiKey.Metadata, 0, 0),
        new(ApiKey.ApiVersions, 0, 0),
        new(ApiKey.CreateTopics, 0, 0),
        new(ApiKey.DeleteTopics, 0, 0),
        new(ApiKey.DescribeConfigs, 0, 0),
        new(ApiKey.AlterConfigs, 0, 0),
        new(ApiKey.CreatePartitions, 0, 0),
    ];

    public static bool TryGetRange(ApiKey apiKey, out ApiVersionRange range)
    {
        var supported = Supported;
        for (var i = 0; i < supported.Count; i++)
        {
            if (supported[i].ApiKey == apiKey)
            {
                range = supported[i];
                return true;
            }
        }

        range = default;
        return false;
    }

    /// <summary>
    /// What the server answers a request header with before touching its body: <see cref="ErrorCode.None"/> when the
    /// API and version are served, <see cref="ErrorCode.UnsupportedVersion"/> for a known or reserved API at a version
    /// this build does not speak, <see cref="ErrorCode.InvalidRequest"/> for a key that names no API at all.
    /// </summary>
    public static ErrorCode Check(ApiKey apiKey, short apiVersion)
    {
        if (TryGetRange(apiKey, out var range))
        {
            return range.Contains(apiVersion) ? ErrorCode.None : ErrorCode.UnsupportedVersion;
        }

        return Enum.IsDefined(apiKey) ? ErrorCode.UnsupportedVersion : ErrorCode.InvalidRequest;
    }

    /// <summary>Guards every message codec: reading or writing a version the table does not list is refused.</summary>
    internal static void EnsureSupported(ApiKey apiKey, short apiVersion)
    {
        if (Check(apiKey, apiVersion) != ErrorCode.None)
        {
            throw new ProtocolException(
                ProtocolViolation.UnsupportedVersion, $"{apiKey} version {apiVersion} is not supported by this build.");
        }
    }
}
