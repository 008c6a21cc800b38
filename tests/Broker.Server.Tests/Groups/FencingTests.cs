using Broker.Core.Errors;
using Broker.Server.Groups;
using Broker.Server.Tests.Groups.Support;

namespace Broker.Server.Tests.Groups;

/// <summary>Session and rebalance timeouts: who is fenced, when, and what happens to their partitions.</summary>
public sealed class FencingTests
{
    private readonly GroupHarness _h = new();

    public FencingTests() => _h.Topics.Set("t", 4);

    [Fact]
    public void A_silent_member_is_fenced_after_the_session_timeout()
    {
        var a = _h.Consumer("a", "t");
        var b = _h.Consumer("b", "t");
        _h.Settle(a, b);
        var silentSince = _h.NowMs;

        _h.NowMs = silentSince + 44_999;
        _h.Beat(b);
        Assert.Empty(_h.Expire());

        _h.NowMs = silentSince + 45_000;
        var fenced = Assert.Single(_h.Expire());

        Assert.Equal((a.MemberId, FenceReason.SessionTimeout), (fenced.MemberId, fenced.Reason));
        Assert.Equal(4, _h.Beat(b).Assignment!.Count);
        Assert.Equal(ErrorCode.UnknownMemberId, _h.Beat(a).Error);
        _h.AssertReplayMatchesLive();
    }

    [Fact]
    public void Heartbeats_keep_a_member_alive_past_any_number_of_session_timeouts()
    {
        var a = _h.Consumer("a", "t");
        for (var i = 0; i < 10; i++)
        {
            _h.Beat(a);
            _h.NowMs += 40_000;
            Assert.Empty(_h.Expire());
        }
    }

    [Fact]
    public void A_member_that_does_not_release_within_its_rebalance_timeout_is_fenced()
    {
        var a = new ConsumerModel(GroupHarness.Group, "a", null, ["t"], rebalanceTimeoutMs: 20_000);
        var b = _h.Consumer("b", "t");
        _h.Beat(a);
        _h.Beat(b);
        _h.Beat(a, release: false); // told to give up two partitions; never does
        var told = _h.NowMs;

        for (var elapsed = 5_000; elapsed < 20_000; elapsed += 5_000)
        {
            _h.NowMs = told + elapsed;
            _h.Beat(a, release: false);
            Assert.Empty(_h.Expire());
        }

        _h.NowMs = told + 20_000;
        var fenced = Assert.Single(_h.Expire());

        Assert.Equal((a.MemberId, FenceReason.RebalanceTimeout), (fenced.MemberId, fenced.Reason));
        Assert.Equal(4, _h.Beat(b).Assignment!.Count);
    }

    [Fact]
    public void A_fenced_member_s_partitions_go_to_the_others_in_one_epoch()
    {
        var consumers = new[] { _h.Consumer("a", "t"), _h.Consumer("b", "t"), _h.Consumer("c", "t") };
        _h.Settle(consumers);
        var epoch = _h.Describe().GroupEpoch;

        _h.NowMs += 45_000;
        Assert.Equal(3, _h.Expire().Count);

        Assert.Equal(epoch + 1, _h.Describe().GroupEpoch);
        Assert.Equal(GroupState.Empty, _h.Describe().State);
    }

    [Fact]
    public void A_loaded_coordinator_gives_every_member_a_fresh_session()
    {
        var a = _h.Consumer("a", "t");
        _h.Beat(a);
        var loaded = new GroupCoordinatorShard(_h.Options, _h.Topics, new Random(2));
        foreach (var record in _h.Log)
        {
            loaded.Replay(record);
        }

        loaded.ResumeAfterLoad(_h.NowMs + 40_000);

        Assert.Empty(loaded.ExpireSessions(_h.NowMs + 84_999).Response);
        Assert.Single(loaded.ExpireSessions(_h.NowMs + 85_000).Response);
    }
}
