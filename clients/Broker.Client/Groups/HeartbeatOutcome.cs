namespace Broker.Client.Groups;

/// <summary>What a heartbeat answer asks of the member (<see cref="GroupMembership.OnAnswer"/>).</summary>
internal enum HeartbeatOutcome
{
    /// <summary>Nothing changed: heartbeat again after the interval.</summary>
    Continue,

    /// <summary>A new assignment to reconcile on the application's thread.</summary>
    NewAssignment,

    /// <summary>FENCED_MEMBER_EPOCH or UNKNOWN_MEMBER_ID: every partition is lost; rejoin with epoch 0.</summary>
    Fenced,

    /// <summary>A retriable error (the coordinator moved or is loading): send a full heartbeat after a backoff.</summary>
    Retry,

    /// <summary>An error the member cannot get past (UNSUPPORTED_ASSIGNOR, INVALID_REQUEST, ...): it goes to the application.</summary>
    Fatal,
}
