using Broker.Core.Errors;
using Broker.Server.Groups;

namespace Broker.Server.Tests.Groups.Support;

/// <summary>
/// A consumer as the protocol expects one to behave: it reports what it owns, adopts the latest assignment it was
/// sent (at once, or later when it is slow to release), rejoins after being fenced, and sends a full request after
/// a lost response. Used by the rule tests and by the simulation.
/// </summary>
internal sealed class ConsumerModel(string groupId, string name, string? instanceId, IReadOnlyList<string> topics, int rebalanceTimeoutMs = 60_000)
{
    private bool _sendFull = true;

    public string GroupId { get; } = groupId;

    public string Name { get; } = name;

    public string? InstanceId { get; } = instanceId;

    public IReadOnlyList<string> Topics { get; private set; } = topics;

    public string? Assignor { get; set; }

    public string MemberId { get; private set; } = "";

    public int Epoch { get; private set; }

    /// <summary>What the client consumes now.</summary>
    public TopicPartitionSet Owned { get; private set; } = TopicPartitionSet.Empty;

    /// <summary>The latest assignment the coordinator sent.</summary>
    public TopicPartitionSet Assignment { get; private set; } = TopicPartitionSet.Empty;

    public HeartbeatOutput? LastResponse { get; private set; }

    public bool HasPendingChange => !Owned.Equals(Assignment);

    public HeartbeatInput Request()
    {
        var full = _sendFull || Epoch == GroupMemberEpochs.Join;
        return new HeartbeatInput(
            GroupId,
            MemberId,
            Epoch,
            InstanceId,
            RebalanceTimeoutMs: full ? rebalanceTimeoutMs : -1,
            SubscribedTopics: full ? Topics : null,
            ServerAssignor: full ? Assignor : null,
            OwnedPartitions: Owned,
            ClientId: Name,
            ClientHost: "10.0.0.1");
    }

    /// <summary>Takes in a response; with <paramref name="release"/> the client reconciles to its latest assignment now.</summary>
    public void Receive(HeartbeatOutput response, bool release = true)
    {
        LastResponse = response;
        switch (response.Error)
        {
            case ErrorCode.None:
                MemberId = response.MemberId;
                Epoch = response.MemberEpoch;
                _sendFull = false;
                Assignment = response.Assignment ?? Assignment;
                if (release)
                {
                    Owned = Assignment;
                }

                break;
            case ErrorCode.FencedMemberEpoch:
                Reset(keepMemberId: true);
                break;
            case ErrorCode.UnknownMemberId:
                Reset(keepMemberId: false);
                break;
            default:
                break; // UNRELEASED_INSTANCE_ID and the like: try the same request again later
        }
    }

    public void Subscribe(IReadOnlyList<string> topics)
    {
        Topics = topics;
        _sendFull = true;
    }

    /// <summary>The response to the last request never arrived: the next request is a full one.</summary>
    public void LoseResponse() => _sendFull = true;

    /// <summary>The process died: everything it owned is gone with it; a restart begins from nothing.</summary>
    public void Crash() => Reset(keepMemberId: false);

    /// <summary>After a clean leave (-1 or -2): the client released everything.</summary>
    public void Left() => Reset(keepMemberId: false);

    private void Reset(bool keepMemberId)
    {
        Owned = TopicPartitionSet.Empty;
        Assignment = TopicPartitionSet.Empty;
        Epoch = GroupMemberEpochs.Join;
        MemberId = keepMemberId ? MemberId : "";
        _sendFull = true;
    }
}
