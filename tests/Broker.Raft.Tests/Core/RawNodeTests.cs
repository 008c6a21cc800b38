using Broker.Raft;
using Broker.Raft.Storage;

namespace Broker.Raft.Tests.Core;

public class RawNodeTests
{
    private static RawNode SingleNode(out MemoryRaftLog log, out MemoryRaftHardState hardState)
    {
        log = new MemoryRaftLog();
        hardState = new MemoryRaftHardState();
        RaftBootstrap.Bootstrap(log, hardState, new ConfState([1], []));
        return new RawNode(new RaftConfig { Id = 1, Random = new Random(1) }, log, hardState);
    }

    private static void Drain(RawNode node, IRaftLog log, IRaftHardState hardState)
    {
        while (node.HasReady())
        {
            var ready = node.GetReady();
            ReadyPersister.Persist(ready, log, hardState);
            node.Advance(ready);
        }
    }

    [Fact]
    public void A_single_voter_elects_itself_and_commits_its_proposal_in_one_ready()
    {
        var node = SingleNode(out var log, out var hardState);
        node.Campaign();
        Drain(node, log, hardState);
        Assert.Equal(Role.Leader, node.Status.Role);
        Assert.Equal(ProposalResult.Accepted, node.Propose(new byte[] { 1, 2 }));
        var ready = node.GetReady();
        Assert.Single(ready.Entries);
        Assert.Equal(ready.Entries, ready.CommittedEntries);
        Assert.True(ready.MustSync);
        ReadyPersister.Persist(ready, log, hardState);
        node.Advance(ready);
        Assert.Equal(log.LastIndex, hardState.Load().Commit);
    }

    [Fact]
    public void A_ready_must_be_advanced_before_the_next_is_taken()
    {
        var node = SingleNode(out _, out _);
        node.Campaign();
        node.GetReady();
        Assert.Throws<InvalidOperationException>(() => node.GetReady());
    }

    [Fact]
    public void Local_message_types_cannot_come_from_the_network()
    {
        var node = SingleNode(out _, out _);
        Assert.Throws<ArgumentException>(() => node.Step(new Message { Type = MessageType.Hup, From = 2, Term = 5 }));
    }

    [Fact]
    public void A_snapshot_may_only_cover_applied_entries()
    {
        var node = SingleNode(out var log, out var hardState);
        node.Campaign();
        Drain(node, log, hardState);
        node.Propose(new byte[] { 1 });
        Drain(node, log, hardState);
        var applied = node.Status.Applied;
        Assert.Throws<ArgumentOutOfRangeException>(() => node.CreateSnapshot(applied + 1, ReadOnlyMemory<byte>.Empty));
        var snapshot = node.CreateSnapshot(applied, new byte[] { 9 });
        Assert.Equal([1], snapshot.ConfState.Voters);
        Assert.Equal(RaftStorageError.None, log.Compact(snapshot));
        Assert.Throws<ArgumentOutOfRangeException>(() => node.CreateSnapshot(applied, ReadOnlyMemory<byte>.Empty));
    }

    [Fact]
    public void A_restarted_node_keeps_its_term_vote_and_commit()
    {
        var node = SingleNode(out var log, out var hardState);
        node.Campaign();
        Drain(node, log, hardState);
        node.Propose(new byte[] { 1 });
        Drain(node, log, hardState);
        var before = node.Status;
        var restarted = new RawNode(new RaftConfig { Id = 1, Random = new Random(2) }, log, hardState);
        Assert.Equal(before.Term, restarted.Status.Term);
        Assert.Equal(before.Vote, restarted.Status.Vote);
        Assert.Equal(before.Commit, restarted.Status.Commit);
        Assert.Equal(Role.Follower, restarted.Status.Role);
        var ready = restarted.GetReady();
        Assert.Equal(before.Commit, ready.CommittedEntries[^1].Index);
    }

    [Fact]
    public void Bootstrap_refuses_storage_that_has_state()
    {
        SingleNode(out var log, out var hardState);
        Assert.Throws<InvalidOperationException>(() => RaftBootstrap.Bootstrap(log, hardState, new ConfState([1], [])));
    }
}
