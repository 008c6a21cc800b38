using Broker.Core;
using Broker.Core.Errors;
using Broker.Server.Groups;
using Broker.Server.Tests.Groups.Support;

namespace Broker.Server.Tests.Groups;

/// <summary>OffsetCommit and OffsetFetch: who may commit, what is stored, what is read back.</summary>
public sealed class OffsetCommitTests
{
    private static readonly TopicPartition T0 = new("t", 0);
    private static readonly TopicPartition T1 = new("t", 1);
    private readonly GroupHarness _h = new();

    public OffsetCommitTests() => _h.Topics.Set("t", 2);

    [Fact]
    public void Committed_offsets_are_fetched_back_with_their_leader_epoch_and_metadata()
    {
        var a = _h.Consumer("a", "t");
        _h.Beat(a);

        var result = Commit(a.MemberId, a.Epoch, new OffsetCommitEntry(T0, 42, 3, "note"), new OffsetCommitEntry(T1, 7));

        Assert.All(result.Partitions, p => Assert.Equal(ErrorCode.None, p.Error));
        var fetched = _h.Shard.FetchOffsets(GroupHarness.Group, [T0, T1, new("t", 9)]);
        Assert.Equal(
            [new FetchedOffset(T0, 42, 3, "note"), new FetchedOffset(T1, 7, -1, null), FetchedOffset.None(new("t", 9))],
            fetched.Partitions);
        Assert.Equal(2, _h.Shard.FetchOffsets(GroupHarness.Group, null).Partitions.Count);
    }

    [Fact]
    public void Offsets_are_stored_as_given_even_when_they_go_backwards()
    {
        Commit("", -1, new OffsetCommitEntry(T0, 100));
        Commit("", -1, new OffsetCommitEntry(T0, 10));

        Assert.Equal(10, _h.Shard.FetchOffsets(GroupHarness.Group, [T0]).Partitions[0].Offset);
    }

    [Fact]
    public void Each_partition_is_one_record_keyed_by_group_topic_and_partition()
    {
        var result = _h.Shard.CommitOffsets(new OffsetCommitInput("g", "", -1, [new(T0, 1), new(T1, 2), new(T0, 3)]), _h.NowMs);

        Assert.Equal(
            [GroupRecordKey.OffsetCommit("g", T0), GroupRecordKey.OffsetCommit("g", T1), GroupRecordKey.OffsetCommit("g", T0)],
            result.Records.Select(r => r.Key));
        Assert.Equal(_h.NowMs, ((OffsetCommitValue)result.Records[0].Value!).CommitTimestampMs);
        Assert.Equal(3, _h.Shard.FetchOffsets("g", [T0]).Partitions[0].Offset);
    }

    [Fact]
    public void A_member_commits_with_its_current_epoch_only()
    {
        var a = _h.Consumer("a", "t");
        _h.Beat(a);

        Assert.Equal(ErrorCode.StaleMemberEpoch, Commit(a.MemberId, a.Epoch + 1, new OffsetCommitEntry(T0, 1)).Partitions[0].Error);
        Assert.Equal(ErrorCode.StaleMemberEpoch, Commit(a.MemberId, a.Epoch - 1, new OffsetCommitEntry(T0, 1)).Partitions[0].Error);
        Assert.Equal(ErrorCode.UnknownMemberId, Commit("stranger", a.Epoch, new OffsetCommitEntry(T0, 1)).Partitions[0].Error);
        Assert.Equal(-1, _h.Shard.FetchOffsets(GroupHarness.Group, [T0]).Partitions[0].Offset);
    }

    [Fact]
    public void A_member_may_commit_while_it_is_releasing_partitions()
    {
        var a = _h.Consumer("a", "t");
        _h.Beat(a);
        _h.Beat(_h.Consumer("b", "t"));
        _h.Beat(a, release: false);
        Assert.Equal(MemberState.UnrevokedPartitions, _h.Member(a).State);

        var result = Commit(a.MemberId, a.Epoch, new OffsetCommitEntry(T0, 5), new OffsetCommitEntry(T1, 6));

        Assert.All(result.Partitions, p => Assert.Equal(ErrorCode.None, p.Error));
    }

    [Fact]
    public void A_commit_outside_group_management_is_accepted_only_while_the_group_has_no_members()
    {
        Assert.Equal(ErrorCode.None, Commit("", -1, new OffsetCommitEntry(T0, 1)).Partitions[0].Error);
        Assert.Equal(GroupState.Empty, _h.Describe().State);

        _h.Beat(_h.Consumer("a", "t"));

        Assert.Equal(ErrorCode.UnknownMemberId, Commit("", -1, new OffsetCommitEntry(T0, 2)).Partitions[0].Error);
    }

    [Fact]
    public void A_member_epoch_for_a_group_that_does_not_exist_gets_GroupIdNotFound()
    {
        Assert.Equal(ErrorCode.GroupIdNotFound, Commit("m", 3, new OffsetCommitEntry(T0, 1)).Partitions[0].Error);
        Assert.Empty(_h.Log);
    }

    [Fact]
    public void Bad_partitions_are_refused_one_by_one()
    {
        var tooLong = new string('x', _h.Options.OffsetMetadataCharsMax + 1);

        var result = Commit("", -1, new OffsetCommitEntry(T0, 1, Metadata: tooLong), new OffsetCommitEntry(new("t", -1), 1), new OffsetCommitEntry(T1, -5), new OffsetCommitEntry(T1, 9));

        Assert.Equal(
            [ErrorCode.OffsetMetadataTooLarge, ErrorCode.UnknownTopicOrPartition, ErrorCode.InvalidRequest, ErrorCode.None],
            result.Partitions.Select(p => p.Error));
        Assert.Single(_h.Log);
    }

    [Fact]
    public void Fetching_an_unknown_group_reads_no_offsets()
    {
        Assert.Equal([FetchedOffset.None(T0)], _h.Shard.FetchOffsets("nobody", [T0]).Partitions);
        Assert.Empty(_h.Shard.FetchOffsets("nobody", null).Partitions);
    }

    private OffsetCommitOutput Commit(string memberId, int epoch, params OffsetCommitEntry[] entries) =>
        _h.Keep(_h.Shard.CommitOffsets(new OffsetCommitInput(GroupHarness.Group, memberId, epoch, entries), _h.NowMs));
}
