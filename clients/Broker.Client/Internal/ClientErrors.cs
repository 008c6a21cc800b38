using Broker.Core.Errors;

namespace Broker.Client.Internal;

/// <summary>
/// How the client classifies failures. Broker errors carry their own <see cref="ErrorCode"/>; a lost or timed-out
/// connection is reported as <see cref="ConnectionLost"/>, which is retriable: the request may not have reached the
/// broker, so sending it again (after a metadata refresh) is the right move.
/// </summary>
internal static class ClientErrors
{
    /// <summary>
    /// The code for a connection that dropped or could not be opened. The error set has no NETWORK_EXCEPTION (Kafka's
    /// 13) yet, so the nearest retriable meaning is used: the request did not complete. One place to change it.
    /// </summary>
    public const ErrorCode ConnectionLost = ErrorCode.RequestTimedOut;

    public static bool IsRetriable(Exception exception) => exception is BrokerException broker && broker.IsRetriable;

    /// <summary>The code to report to an application for <paramref name="exception"/>.</summary>
    public static ErrorCode CodeOf(Exception exception) => exception switch
    {
        BrokerException broker => broker.Code,
        OperationCanceledException => ErrorCode.RequestTimedOut,
        _ => ErrorCode.UnknownServerError,
    };

    /// <summary>True for error codes after which the client's view of leadership is probably stale.</summary>
    public static bool NeedsMetadataRefresh(ErrorCode code) => code is ErrorCode.NotLeaderOrFollower
        or ErrorCode.UnknownTopicOrPartition or ErrorCode.LeaderNotAvailable or ErrorCode.FencedLeaderEpoch
        or ErrorCode.UnknownLeaderEpoch or ConnectionLost;

    public static BrokerException Describe(ErrorCode code, string? brokerMessage, string context) =>
        new(code, $"{context}: {ErrorCodes.Name(code)}: {brokerMessage ?? ErrorCodes.Describe(code)}");
}
