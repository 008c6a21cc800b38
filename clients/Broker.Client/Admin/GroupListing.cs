namespace Broker.Client.Admin;

/// <summary>
/// A consumer group as ListGroups names it: its id, state (<c>Empty</c>, <c>Assigning</c>, <c>Reconciling</c>,
/// <c>Stable</c>, <c>Dead</c>) and type (<c>consumer</c>).
/// </summary>
public sealed record GroupListing(string GroupId, string State, string Type);
