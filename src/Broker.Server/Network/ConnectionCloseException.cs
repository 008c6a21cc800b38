using Broker.Core.Errors;

namespace Broker.Server.Network;

/// <summary>
/// A request failed and has no response to say so: a Produce with acks=0. The connection handler sends the responses
/// of the requests before it, then closes the connection without answering this one, which is how the client learns
/// of the failure (it refreshes its metadata and reconnects), as in Kafka. <see cref="BrokerException.Code"/> is the
/// first failure's, for the log.
/// </summary>
internal sealed class ConnectionCloseException : BrokerException
{
    public ConnectionCloseException(ErrorCode code, string message)
        : base(code, message)
    {
    }
}
