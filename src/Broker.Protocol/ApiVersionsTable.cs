using Broker.Core.Errors;

namespace Broker.Protocol;

/// <summary>
/// The one table of the API versions this build speaks. ApiVersions responses list <see cref="Supported"/>, the
/// server checks each request header against it (<see cref="Check(ApiKey, short)"/>) before reading a body, and
/// every message's Read and Write refuse a version outside <see cref="Codecs"/>. The two are the same table today;
/// they part when an API's messages are written before the server serves it (as the group APIs were), so clients and
/// tests can use the messages while the server still answers UNSUPPORTED_VERSION.
/// </summary>
public static class ApiVersionsTable
{
    // Static initialisers run in text order: the parts come before the tables built from them.
    private static readonly ApiVersionRange[] CoreApis =
    [
        new(ApiKey.Produce, 0, 0),
        new(ApiKey.Fetch, 0, 0),
        new(ApiKey.ListOffsets, 0, 0),
        new(ApiKey.Metadata, 0, 0),
        new(ApiKey.ApiVersions, 0, 0),
        new(ApiKey.CreateTopics, 0, 0),
        new(ApiKey.DeleteTopics, 0, 0),
        new(ApiKey.InitProducerId, 0, 0),
        new(ApiKey.DescribeConfigs, 0, 0),
        new(ApiKey.AlterConfigs, 0, 0),
        new(ApiKey.CreatePartitions, 0, 0),
    ];

    /// <summary>The consumer-group APIs, in key order, served by the group coordinator.</summary>
    public static IReadOnlyList<ApiVersionRange> GroupApis { get; } =
    [
        new(ApiKey.OffsetCommit, 0, 0),
        new(ApiKey.OffsetFetch, 0, 0),
        new(ApiKey.FindCoordinator, 0, 0),
        new(ApiKey.LeaveGroup, 0, 0),
        new(ApiKey.DescribeGroups, 0, 0),
        new(ApiKey.ListGroups, 0, 0),
        new(ApiKey.DeleteGroups, 0, 0),
        new(ApiKey.ConsumerGroupHeartbeat, 0, 0),
    ];

    /// <summary>
    /// Every API the server serves and ApiVersions advertises, in key order.
    /// </summary>
    public static IReadOnlyList<ApiVersionRange> Supported { get; } = Build(CoreApis, GroupApis);

    /// <summary>Every API this build has message codecs for, in key order: <see cref="Supported"/> and any not served yet.</summary>
    public static IReadOnlyList<ApiVersionRange> Codecs { get; } = Build(CoreApis, GroupApis);

    /// <summary>One table from several lists, in key order.</summary>
    /// <exception cref="InvalidOperationException">Two lists name the same API: a table has one range per API.</exception>
    public static IReadOnlyList<ApiVersionRange> Build(params ReadOnlySpan<IReadOnlyList<ApiVersionRange>> parts)
    {
        var table = new List<ApiVersionRange>();
        foreach (var part in parts)
        {
            table.AddRange(part);
        }

        table.Sort((a, b) => ((short)a.ApiKey).CompareTo((short)b.ApiKey));
        for (var i = 1; i < table.Count; i++)
        {
            if (table[i].ApiKey == table[i - 1].ApiKey)
            {
                throw new InvalidOperationException($"{table[i].ApiKey} is listed twice in one API versions table.");
            }
        }

        return table.AsReadOnly();
    }

    /// <summary>The range of <paramref name="apiKey"/> in <see cref="Supported"/>.</summary>
    public static bool TryGetRange(ApiKey apiKey, out ApiVersionRange range) => TryGetRange(Supported, apiKey, out range);

    public static bool TryGetRange(IReadOnlyList<ApiVersionRange> table, ApiKey apiKey, out ApiVersionRange range)
    {
        ArgumentNullException.ThrowIfNull(table);
        for (var i = 0; i < table.Count; i++)
        {
            if (table[i].ApiKey == apiKey)
            {
                range = table[i];
                return true;
            }
        }

        range = default;
        return false;
    }

    /// <summary>
    /// What the server answers a request header with before touching its body: <see cref="ErrorCode.None"/> when the
    /// API and version are served, <see cref="ErrorCode.UnsupportedVersion"/> for a known or reserved API at a version
    /// this build does not serve, <see cref="ErrorCode.InvalidRequest"/> for a key that names no API at all.
    /// </summary>
    public static ErrorCode Check(ApiKey apiKey, short apiVersion) => Check(Supported, apiKey, apiVersion);

    /// <summary>As <see cref="Check(ApiKey, short)"/>, against another table (such as <see cref="Codecs"/>).</summary>
    public static ErrorCode Check(IReadOnlyList<ApiVersionRange> table, ApiKey apiKey, short apiVersion)
    {
        if (TryGetRange(table, apiKey, out var range))
        {
            return range.Contains(apiVersion) ? ErrorCode.None : ErrorCode.UnsupportedVersion;
        }

        return Enum.IsDefined(apiKey) ? ErrorCode.UnsupportedVersion : ErrorCode.InvalidRequest;
    }

    /// <summary>Guards every message codec: reading or writing a version <see cref="Codecs"/> does not list is refused.</summary>
    internal static void EnsureSupported(ApiKey apiKey, short apiVersion)
    {
        if (Check(Codecs, apiKey, apiVersion) != ErrorCode.None)
        {
            throw new ProtocolException(
                ProtocolViolation.UnsupportedVersion, $"{apiKey} version {apiVersion} is not supported by this build.");
        }
    }
}
