using Broker.Core;

namespace Broker.Client.Tests.Support;

/// <summary>One member as the fake coordinator sees it.</summary>
public sealed class FakeGroupMember(string memberId)
{
    public string MemberId { get; } = memberId;

    public string? InstanceId { get; set; }

    public string ClientId { get; set; } = "";

    public int Epoch { get; set; }

    public IReadOnlyList<string> Subscription { get; set; } = [];

    /// <summary>What the member last reported owning.</summary>
    public HashSet<TopicPartition> Owned { get; set; } = [];

    /// <summary>Set by a test to override the fake's round-robin assignment for this member.</summary>
    public IReadOnlyList<TopicPartition>? ExplicitTarget { get; set; }

    /// <summary>The assignment last sent to the member (null before the first).</summary>
    public IReadOnlyList<TopicPartition>? LastSent { get; set; }

    /// <summary>A static member that left with epoch -2: it keeps its partitions until its instance id comes back.</summary>
    public bool AwayStatic { get; set; }
}
