using Broker.Raft;

namespace Broker.Raft.Tests.Core;

public class RaftLimitsTests
{
    [Fact]
    public void Heartbeats_come_several_times_per_election_timeout() =>
        Assert.True(RaftLimits.HeartbeatTicksDefault * 2 <= RaftLimits.ElectionTicksDefault);

    [Fact]
    public void One_ready_can_apply_at_least_one_full_append() =>
        Assert.True(RaftLimits.ApplyBytesMaxDefault >= RaftLimits.AppendBytesMaxDefault);

    [Fact]
    public void The_largest_entry_fits_in_one_segment() =>
        Assert.True(RaftLimits.SegmentBytesDefault >= RaftLimits.EntryBytesMax);

    [Fact]
    public void The_default_configuration_is_valid() =>
        new RaftConfig { Id = 1, Random = new Random(1) }.Validate();

    [Fact]
    public void An_election_timeout_not_above_the_heartbeat_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new RaftConfig { Id = 1, Random = new Random(1), ElectionTicks = 2, HeartbeatTicks = 2 }.Validate());
}
