namespace Broker.Client.Producing;

/// <summary>A copied record waiting for its topic's metadata, with its completion and reserved buffer bytes.</summary>
internal sealed record HeldRecord(Message Message, object? Completion, long ReservedBytes);
