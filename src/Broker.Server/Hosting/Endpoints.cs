using System.Net;
using Broker.Core.Errors;

namespace Broker.Server.Hosting;

/// <summary>Parses the host:port settings of listeners.</summary>
public static class Endpoints
{
    public static IPEndPoint Parse(string setting, string name)
    {
        if (!IPEndPoint.TryParse(setting, out var endpoint))
        {
            var colon = setting.LastIndexOf(':');
            if (colon > 0 && setting[..colon] == "localhost" && int.TryParse(setting[(colon + 1)..], out var port))
            {
                return new IPEndPoint(IPAddress.Loopback, port);
            }

            throw new BrokerException(ErrorCode.InvalidConfig, $"{name} '{setting}' is not an IP address and port, e.g. 127.0.0.1:9192 or 0.0.0.0:9192.");
        }

        if (endpoint.Port is < 0 or > 65535)
        {
            throw new BrokerException(ErrorCode.InvalidConfig, $"{name} '{setting}' has no valid port.");
        }

        return endpoint;
    }
}
