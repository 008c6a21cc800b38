namespace Broker.Server.Groups;

/// <summary>A group as ListGroups shows it.</summary>
public sealed record GroupListing(string GroupId, GroupState State);
