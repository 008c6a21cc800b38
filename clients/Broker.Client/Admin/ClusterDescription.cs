namespace Broker.Client.Admin;

/// <summary>The cluster as one broker's metadata sees it: its id, the active controller (-1 during an election) and the live brokers.</summary>
public sealed record ClusterDescription(string? ClusterId, int ControllerId, IReadOnlyList<BrokerNode> Brokers);
