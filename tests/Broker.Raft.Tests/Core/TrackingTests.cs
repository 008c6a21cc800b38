using Broker.Raft.Tracking;

namespace Broker.Raft.Tests.Core;

public class TrackingTests
{
    [Fact]
    public void Inflights_fill_to_capacity_and_free_in_order()
    {
        var inflights = new Inflights(3);
        inflights.Add(5);
        inflights.Add(7);
        inflights.Add(9);
        Assert.True(inflights.IsFull);
        Assert.Throws<InvalidOperationException>(() => inflights.Add(11));
        inflights.FreeUpTo(7);
        Assert.Equal(1, inflights.Count);
        inflights.Add(11);
        inflights.Add(13);
        Assert.True(inflights.IsFull);
        inflights.FreeFirstOne();
        Assert.Equal(2, inflights.Count);
        inflights.FreeUpTo(100);
        Assert.Equal(0, inflights.Count);
    }

    [Theory]
    [InlineData(new long[] { 5 }, 5)]
    [InlineData(new long[] { 5, 3, 1 }, 3)]
    [InlineData(new long[] { 4, 3, 2, 1 }, 2)]
    [InlineData(new long[] { 9, 9, 1, 1, 1 }, 1)]
    [InlineData(new long[] { 9, 8, 7, 1, 1 }, 7)]
    public void The_quorum_value_is_the_largest_a_majority_reached(long[] values, long expected)
    {
        var voters = Enumerable.Range(1, values.Length).ToList();
        Assert.Equal(expected, MajorityQuorum.QuorumValue(voters, id => values[id - 1]));
    }

    [Fact]
    public void A_vote_is_won_by_a_majority_and_lost_once_a_majority_is_out_of_reach()
    {
        int[] voters = [1, 2, 3, 4, 5];
        Assert.Equal(VoteResult.Pending, MajorityQuorum.Tally(voters, new Dictionary<int, bool> { [1] = true, [2] = true, [3] = false }));
        Assert.Equal(VoteResult.Won, MajorityQuorum.Tally(voters, new Dictionary<int, bool> { [1] = true, [2] = true, [4] = true }));
        Assert.Equal(VoteResult.Lost, MajorityQuorum.Tally(voters, new Dictionary<int, bool> { [1] = true, [2] = false, [3] = false, [4] = false }));
        // Votes from non-voters count for nothing.
        Assert.Equal(VoteResult.Pending, MajorityQuorum.Tally(voters, new Dictionary<int, bool> { [1] = true, [7] = true, [8] = true }));
    }

    [Fact]
    public void A_probing_progress_sends_one_append_then_waits()
    {
        var progress = new Progress(next: 10, inflightAppendsMax: 4, isObserver: false);
        Assert.False(progress.IsPaused);
        progress.SentAppend(12, 3);
        Assert.True(progress.IsPaused);
        Assert.True(progress.MaybeUpdate(12));
        Assert.False(progress.IsPaused);
        Assert.Equal(13, progress.Next);
    }

    [Fact]
    public void A_stale_rejection_does_not_move_next_back()
    {
        var progress = new Progress(next: 10, inflightAppendsMax: 4, isObserver: false) { Match = 5 };
        progress.BecomeReplicate();
        progress.SentAppend(8, 3);
        Assert.False(progress.MaybeDecreaseTo(rejected: 4, matchHint: 4));
        Assert.Equal(9, progress.Next);
        Assert.True(progress.MaybeDecreaseTo(rejected: 7, matchHint: 6));
        Assert.Equal(6, progress.Next);
    }
}
