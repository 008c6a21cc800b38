namespace Broker.Client.Network;

/// <summary>What a <see cref="BrokerConnection"/> needs from the client's options, fixed for its lifetime.</summary>
internal sealed record ConnectionSettings(
    string? ClientId,
    TimeSpan RequestTimeout,
    TimeSpan ConnectTimeout,
    int MaxInFlightRequests,
    int ResponseFrameBytesMax);
