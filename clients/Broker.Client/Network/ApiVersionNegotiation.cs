using Broker.Core.Errors;
using Broker.Protocol;

namespace Broker.Client.Network;

/// <summary>
/// The version of each API to use on one connection: the highest that both this build
/// (<see cref="ApiVersionsTable"/>) and the broker (its ApiVersions answer) speak. An API with no common version
/// fails only when used, with a message naming both ranges, so a broker without the admin APIs still serves
/// producers and consumers.
/// </summary>
internal sealed class ApiVersionNegotiation
{
    private readonly Dictionary<ApiKey, short> _versions;
    private readonly Dictionary<ApiKey, ApiVersionRange> _brokerRanges;

    private ApiVersionNegotiation(Dictionary<ApiKey, short> versions, Dictionary<ApiKey, ApiVersionRange> brokerRanges)
    {
        _versions = versions;
        _brokerRanges = brokerRanges;
    }

    public static ApiVersionNegotiation Negotiate(IReadOnlyList<ApiVersionRange> brokerRanges)
    {
        var broker = new Dictionary<ApiKey, ApiVersionRange>();
        foreach (var range in brokerRanges)
        {
            broker[range.ApiKey] = range;
        }

        var versions = new Dictionary<ApiKey, short>();
        foreach (var ours in ApiVersionsTable.Supported)
        {
            if (broker.TryGetValue(ours.ApiKey, out var theirs))
            {
                var highest = Math.Min(ours.MaxVersion, theirs.MaxVersion);
                if (highest >= Math.Max(ours.MinVersion, theirs.MinVersion))
                {
                    versions[ours.ApiKey] = (short)highest;
                }
            }
        }

        return new ApiVersionNegotiation(versions, broker);
    }

    /// <exception cref="BrokerException">UNSUPPORTED_VERSION when the broker speaks no version this client does.</exception>
    public short VersionFor(ApiKey apiKey, BrokerEndpoint endpoint)
    {
        if (_versions.TryGetValue(apiKey, out var version))
        {
            return version;
        }

        ApiVersionsTable.TryGetRange(apiKey, out var ours);
        var theirs = _brokerRanges.TryGetValue(apiKey, out var range) ? $"versions {range.MinVersion}-{range.MaxVersion}" : "no version";
        throw new BrokerException(ErrorCode.UnsupportedVersion,
            $"Broker {endpoint} supports {apiKey} {theirs}; this client sends versions {ours.MinVersion}-{ours.MaxVersion}. Upgrade the broker or the client.");
    }
}
