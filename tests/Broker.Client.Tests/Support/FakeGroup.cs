using Broker.Core;

namespace Broker.Client.Tests.Support;

/// <summary>One consumer group in the fake coordinator: members, epochs and committed offsets. Guarded by <see cref="FakeCluster.Lock"/>.</summary>
public sealed class FakeGroup(string id, int coordinatorNode)
{
    private int _nextMemberNumber;

    public string Id { get; } = id;

    public int CoordinatorNode { get; set; } = coordinatorNode;

    public int GroupEpoch { get; set; }

    public string Assignor { get; set; } = "uniform";

    public Dictionary<string, FakeGroupMember> Members { get; } = new(StringComparer.Ordinal);

    public Dictionary<TopicPartition, (long Offset, string? Metadata)> Offsets { get; } = [];

    public bool IsEmpty => Members.Count == 0;

    public string NewMemberId() => $"{Id}-member-{++_nextMemberNumber}";

    public string State =>
        Members.Count == 0 ? "Empty"
        : Members.Values.All(m => m.LastSent is not null && m.Owned.SetEquals(m.LastSent)) ? "Stable"
        : "Reconciling";
}
