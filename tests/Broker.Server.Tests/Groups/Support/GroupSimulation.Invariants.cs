using Broker.Core;
using Broker.Core.Errors;
using Broker.Server.Groups;

namespace Broker.Server.Tests.Groups.Support;

/// <summary>The invariants of the simulation, checked after every step, and the cooperative ending.</summary>
internal sealed partial class GroupSimulation
{
    private void CheckInvariants()
    {
        CheckFollowerMatches();
        TrackTargets(noteStable: true);
        var group = _h.Describe();
        if (group.Error != ErrorCode.None)
        {
            return;
        }

        CheckHoldings(group);
        CheckEpochs(group);
        CheckTarget(group);
        CheckClientsOwnOnlyWhatTheyHold(group);
    }

    /// <summary>Replay == live: a standby applying the same records, one step behind at most, has the same state.</summary>
    private void CheckFollowerMatches()
    {
        for (; _replayed < _h.Log.Count; _replayed++)
        {
            _follower.Replay(_h.Log[_replayed]);
        }

        GroupHarness.AssertSameState(_h.Shard, _follower);
    }

    /// <summary>No partition is held (assigned or not yet released) by two members.</summary>
    private static void CheckHoldings(GroupDescription group)
    {
        var held = group.Members.SelectMany(m => m.Assigned.Concat(m.PendingRevocation)).ToList();
        Assert.Equal(held.Count, held.Distinct().Count());
    }

    /// <summary>A member's epoch never decreases and never passes the assignment epoch.</summary>
    private void CheckEpochs(GroupDescription group)
    {
        foreach (var member in group.Members.Where(m => m.MemberEpoch != GroupMemberEpochs.StaticLeave))
        {
            Assert.True(member.MemberEpoch >= _highestEpoch.GetValueOrDefault(member.MemberId), $"{member.MemberId} went back to epoch {member.MemberEpoch}");
            Assert.True(member.MemberEpoch <= group.AssignmentEpoch);
            _highestEpoch[member.MemberId] = member.MemberEpoch;
            if (member.MemberEpoch == group.AssignmentEpoch)
            {
                Assert.True(member.Assigned.IsSubsetOf(member.Target), $"{member.MemberId} holds {member.Assigned} outside its target {member.Target}");
            }
        }
    }

    /// <summary>With members, the target gives each partition of every subscribed topic (as of the group epoch) to exactly one subscriber.</summary>
    private void CheckTarget(GroupDescription group)
    {
        if (group.Members.Count == 0)
        {
            return;
        }

        Assert.Equal(group.GroupEpoch, group.AssignmentEpoch);
        var counts = _h.Shard.LiveRecords().Select(r => r.Value).OfType<GroupMetadataValue>().Single().PartitionCounts;
        var subscribed = group.Members.SelectMany(m => m.SubscribedTopics).ToHashSet();
        var expected = counts
            .Where(c => subscribed.Contains(c.Topic))
            .SelectMany(c => Enumerable.Range(0, c.PartitionCount).Select(p => new TopicPartition(c.Topic, p)))
            .ToHashSet();
        var targeted = group.Members.SelectMany(m => m.Target).ToList();
        Assert.Equal(targeted.Count, targeted.Distinct().Count());
        Assert.True(expected.SetEquals(targeted), $"target {string.Join(',', targeted)} does not cover {string.Join(',', expected)}");
        Assert.All(group.Members, m => Assert.All(m.Target, p => Assert.Contains(p.Topic, m.SubscribedTopics)));
    }

    /// <summary>
    /// What a running client owns is held for it by the coordinator, so two clients never own a partition at once.
    /// A client whose member was fenced while it ran (a zombie) is left out until its next heartbeat tells it; its
    /// commits are refused meanwhile (checked in <see cref="CommitSomething"/>).
    /// </summary>
    private void CheckClientsOwnOnlyWhatTheyHold(GroupDescription group)
    {
        var members = group.Members.ToDictionary(m => m.MemberId);
        var owners = new Dictionary<TopicPartition, string>();
        foreach (var client in _clients.Where(c => members.ContainsKey(c.MemberId)))
        {
            var member = members[client.MemberId];
            Assert.True(client.Owned.IsSubsetOf(member.Assigned.Union(member.PendingRevocation)),
                $"{client.Name} owns {client.Owned}; the coordinator holds {member.Assigned} + {member.PendingRevocation} for it");
            foreach (var partition in client.Owned)
            {
                Assert.True(owners.TryAdd(partition, client.Name), $"{partition} owned by {client.Name} and {owners.GetValueOrDefault(partition)}");
            }
        }
    }

    /// <summary>
    /// Changes stop, absent static instances come back, and every client heartbeats each half second and releases
    /// at once. Within the session timeout and a few rounds, crashed members are fenced, and every member must be
    /// Stable on its target, with its client owning exactly that.
    /// </summary>
    private void SettleCooperatively()
    {
        Note("settling");
        foreach (var instance in _instancesAway.ToList())
        {
            _instancesAway.Remove(instance);
            Start(instance);
        }

        for (var round = 0; round < 100 && !Settled(); round++)
        {
            PassTime(500);
            foreach (var client in _clients)
            {
                Beat(client, release: true);
            }

            CheckInvariants();
        }

        Assert.True(Settled(), "the group did not settle once changes stopped");
    }

    private bool Settled()
    {
        var group = _h.Describe();
        var members = group.Members.ToDictionary(m => m.MemberId);
        var everyClientIn = _clients.All(c => members.TryGetValue(c.MemberId, out var m)
            && m.State == MemberState.Stable
            && m.MemberEpoch == group.AssignmentEpoch
            && m.Assigned.Equals(m.Target)
            && c.Owned.Equals(m.Target)
            && c.Epoch == m.MemberEpoch);
        var expectedState = _clients.Count == 0 ? GroupState.Empty : GroupState.Stable;
        return everyClientIn && members.Count == _clients.Count && (group.State == expectedState || group.Error != ErrorCode.None);
    }

    /// <summary>Compaction keeps one record per key: replaying only those gives the same state as the whole log.</summary>
    private void CheckCompactedReplay()
    {
        var compacted = new GroupCoordinatorShard(_h.Options, _h.Topics, new Random(0));
        foreach (var record in _h.Shard.LiveRecords())
        {
            compacted.Replay(record);
        }

        GroupHarness.AssertSameState(_h.Shard, compacted);
    }
}
