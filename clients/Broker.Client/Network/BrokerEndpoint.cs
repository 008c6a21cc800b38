using System.Globalization;

namespace Broker.Client.Network;

/// <summary>A broker's address as clients dial it: a host name or IP and a TCP port.</summary>
public readonly record struct BrokerEndpoint(string Host, int Port)
{
    public override string ToString() => $"{Host}:{Port}";

    /// <summary>Parses "host:port,host:port" (Kafka's bootstrap.servers). Blanks around entries are ignored.</summary>
    /// <exception cref="ArgumentException">The list is empty or an entry is not host:port with a port in 1-65535.</exception>
    public static IReadOnlyList<BrokerEndpoint> ParseList(string? servers)
    {
        if (string.IsNullOrWhiteSpace(servers))
        {
            throw new ArgumentException("The bootstrap server list is empty; give at least one host:port.", nameof(servers));
        }

        var endpoints = new List<BrokerEndpoint>();
        foreach (var entry in servers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            endpoints.Add(Parse(entry));
        }

        return endpoints.Count > 0
            ? endpoints
            : throw new ArgumentException($"The bootstrap server list '{servers}' names no server.", nameof(servers));
    }

    /// <summary>Parses one "host:port"; an IPv6 address goes in brackets, "[::1]:9192".</summary>
    public static BrokerEndpoint Parse(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var colon = entry.LastIndexOf(':');
        if (colon <= 0 || colon == entry.Length - 1)
        {
            throw new ArgumentException($"'{entry}' is not host:port.", nameof(entry));
        }

        var host = entry[..colon].Trim('[', ']');
        if (!int.TryParse(entry.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"'{entry}' has no valid port (1-65535).", nameof(entry));
        }

        return new BrokerEndpoint(host, port);
    }
}
