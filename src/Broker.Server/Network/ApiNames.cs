using System.Collections.Frozen;
using Broker.Protocol;

namespace Broker.Server.Network;

/// <summary>API names for metric tags, made once: Enum.ToString would allocate a string per request.</summary>
internal static class ApiNames
{
    private static readonly FrozenDictionary<ApiKey, string> Names =
        Enum.GetValues<ApiKey>().Distinct().ToFrozenDictionary(k => k, k => k.ToString());

    public static string Of(ApiKey key) => Names.TryGetValue(key, out var name) ? name : "Unknown";
}
