using Broker.Core;
using Broker.Server.Groups;
using Broker.Server.Tests.Groups.Support;

namespace Broker.Server.Tests.Groups;

/// <summary>Rebuilding a coordinator from <c>__consumer_offsets</c>: the log, or its compacted form, gives the same state.</summary>
public sealed class ReplayTests
{
    private readonly GroupHarness _h = new();
    private readonly ConsumerModel _a;
    private readonly ConsumerModel _b;

    public ReplayTests()
    {
        _h.Topics.Set("t", 4);
        _a = _h.Consumer("a", "t");
        _b = _h.StaticConsumer("b", "instance-b", "t");
        _h.Settle(_a, _b);
        _h.Keep(_h.Shard.CommitOffsets(new OffsetCommitInput("g", _a.MemberId, _a.Epoch, [new(new TopicPartition("t", 0), 9)]), _h.NowMs));
    }

    [Fact]
    public void Replaying_the_log_into_a_fresh_shard_gives_the_same_state()
    {
        _h.AssertReplayMatchesLive();
    }

    [Fact]
    public void A_coordinator_loaded_from_the_compacted_partition_resumes_where_the_old_one_stopped()
    {
        var moved = new GroupCoordinatorShard(_h.Options, _h.Topics, new Random(3));
        foreach (var record in _h.Shard.LiveRecords())
        {
            moved.Replay(GroupRecordCodec.EncodeKey(record.Key), GroupRecordCodec.EncodeValue(record.Value), record.IsTombstone);
        }

        moved.ResumeAfterLoad(_h.NowMs);

        GroupHarness.AssertSameState(_h.Shard, moved);
        var response = moved.Heartbeat(_a.Request(), _h.NowMs).Response;
        Assert.Equal((Broker.Core.Errors.ErrorCode.None, _a.Epoch), (response.Error, response.MemberEpoch));
        Assert.Equal(9, moved.FetchOffsets("g", [new TopicPartition("t", 0)]).Partitions[0].Offset);
    }

    [Fact]
    public void Tombstones_delete_and_a_tombstone_for_nothing_is_ignored()
    {
        _h.Keep(_h.Shard.LeaveGroup("g", _a.MemberId, keepAssignmentForRestart: false, _h.NowMs));
        _h.Log.Add(GroupRecord.Tombstone(GroupRecordKey.MemberMetadata("other", "x")));

        _h.AssertReplayMatchesLive();
        Assert.Single(_h.Describe().Members);
    }

    [Fact]
    public void Replay_refuses_a_record_that_would_give_a_held_partition_to_a_second_member()
    {
        var holder = _h.Describe().Members.First(m => !m.Assigned.IsEmpty);
        var other = _h.Describe().Members.First(m => m.MemberId != holder.MemberId);
        var stolen = new GroupCurrentMemberAssignmentValue(9, 8, MemberState.Stable, holder.Assigned, TopicPartitionSet.Empty);

        Assert.Throws<InvalidOperationException>(() =>
            _h.Shard.Replay(new GroupRecord(GroupRecordKey.CurrentMemberAssignment("g", other.MemberId), stolen)));
    }

    [Fact]
    public void Replay_refuses_a_value_under_the_wrong_key()
    {
        Assert.Throws<InvalidOperationException>(() =>
            _h.Shard.Replay(new GroupRecord(GroupRecordKey.GroupMetadata("g"), new GroupTargetAssignmentMetadataValue(1))));
    }
}
