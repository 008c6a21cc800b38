namespace Broker.Client.Producing;

/// <summary>Where one partition's produce request stands.</summary>
internal enum RequestState
{
    /// <summary>Sent; no answer yet.</summary>
    OnWire,

    /// <summary>Written (or known to be written, for a retried duplicate); reported once every earlier request is.</summary>
    Succeeded,

    /// <summary>Given up; reported once every earlier request is.</summary>
    Failed,

    /// <summary>Answered with an error that a later attempt can resolve; sent again, oldest first.</summary>
    NeedsRetry,
}
