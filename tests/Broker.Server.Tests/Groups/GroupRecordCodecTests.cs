using Broker.Core;
using Broker.Core.Errors;
using Broker.Server.Groups;

namespace Broker.Server.Tests.Groups;

/// <summary>The bytes of group records: round trips, damaged input, and keys that name one entity each.</summary>
public sealed class GroupRecordCodecTests
{
    private static readonly TopicPartitionSet Some = TopicPartitionSet.Of("orders", 0, 2).Union(TopicPartitionSet.Of("payments", 1));

    public static TheoryData<GroupRecord> Records => new()
    {
        new GroupRecord(GroupRecordKey.GroupMetadata("g"), new GroupMetadataValue(7, [new("orders", 3), new("payments", 12)])),
        new GroupRecord(GroupRecordKey.MemberMetadata("g", "m1"), new GroupMemberMetadataValue("i-1", "rack-a", "client", "10.1.2.3", ["orders", "payments"], 300_000, 45_000, "range")),
        new GroupRecord(GroupRecordKey.MemberMetadata("g", "m2"), new GroupMemberMetadataValue(null, null, "", "", [], 1, 2, null)),
        new GroupRecord(GroupRecordKey.TargetAssignmentMetadata("g"), new GroupTargetAssignmentMetadataValue(7)),
        new GroupRecord(GroupRecordKey.TargetAssignmentMember("g", "m1"), new GroupTargetAssignmentMemberValue(Some)),
        new GroupRecord(GroupRecordKey.CurrentMemberAssignment("g", "m1"), new GroupCurrentMemberAssignmentValue(6, 5, MemberState.UnrevokedPartitions, Some, TopicPartitionSet.Of("orders", 1))),
        new GroupRecord(GroupRecordKey.CurrentMemberAssignment("g", "m2"), new GroupCurrentMemberAssignmentValue(-2, 4, MemberState.Stable, TopicPartitionSet.Empty, TopicPartitionSet.Empty)),
        new GroupRecord(GroupRecordKey.OffsetCommit("g", new TopicPartition("orders", 2)), new OffsetCommitValue(123_456_789_012, 4, "meta", 1_700_000_000_000)),
        new GroupRecord(GroupRecordKey.OffsetCommit("grüppe", new TopicPartition("orders", 0)), new OffsetCommitValue(0, -1, null, 0)),
        GroupRecord.Tombstone(GroupRecordKey.CurrentMemberAssignment("g", "m1")),
    };

    [Theory]
    [MemberData(nameof(Records))]
    public void A_record_reads_back_as_written(GroupRecord record)
    {
        var key = GroupRecordCodec.EncodeKey(record.Key);
        var value = GroupRecordCodec.EncodeValue(record.Value);

        var decoded = GroupRecordCodec.Decode(key, value, valueIsNull: value is null);

        Assert.Equal(record.Key, decoded.Key);
        Assert.Equal(value, GroupRecordCodec.EncodeValue(decoded.Value));
        Assert.Equal(record.Value is null, decoded.Value is null);
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void Keys_and_values_begin_with_version_zero(GroupRecord record)
    {
        var key = GroupRecordCodec.EncodeKey(record.Key);

        Assert.Equal((0, (byte)record.Key.Type), (key[0], key[1]));
        if (GroupRecordCodec.EncodeValue(record.Value) is { } value)
        {
            Assert.Equal(0, value[0]);
        }
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void A_truncated_key_or_value_is_corrupt(GroupRecord record)
    {
        var key = GroupRecordCodec.EncodeKey(record.Key);
        for (var length = 0; length < key.Length; length++)
        {
            AssertCorrupt(() => GroupRecordCodec.ReadKey(key.AsMemory(0, length)));
        }

        if (GroupRecordCodec.EncodeValue(record.Value) is { } value)
        {
            for (var length = 0; length < value.Length; length++)
            {
                AssertCorrupt(() => GroupRecordCodec.ReadValue(record.Key.Type, value.AsMemory(0, length)));
            }

            AssertCorrupt(() => GroupRecordCodec.ReadValue(record.Key.Type, value.Append((byte)0).ToArray()));
        }
    }

    [Fact]
    public void A_tombstone_is_a_null_value_not_an_empty_one()
    {
        var key = GroupRecordCodec.EncodeKey(GroupRecordKey.GroupMetadata("g"));

        Assert.True(GroupRecordCodec.Decode(key, ReadOnlyMemory<byte>.Empty, valueIsNull: true).IsTombstone);
        AssertCorrupt(() => GroupRecordCodec.Decode(key, ReadOnlyMemory<byte>.Empty, valueIsNull: false));
    }

    [Fact]
    public void Unknown_versions_and_types_are_corrupt()
    {
        var key = GroupRecordCodec.EncodeKey(GroupRecordKey.GroupMetadata("g"));
        var value = GroupRecordCodec.EncodeValue(new GroupTargetAssignmentMetadataValue(1))!;

        AssertCorrupt(() => GroupRecordCodec.ReadKey(With(key, 0, 1)));
        AssertCorrupt(() => GroupRecordCodec.ReadKey(With(key, 1, 99)));
        AssertCorrupt(() => GroupRecordCodec.ReadValue(GroupRecordType.GroupTargetAssignmentMetadata, With(value, 0, 1)));
        AssertCorrupt(() => GroupRecordCodec.ReadValue((GroupRecordType)99, value));
    }

    [Fact]
    public void An_unknown_member_state_is_corrupt()
    {
        var value = GroupRecordCodec.EncodeValue(new GroupCurrentMemberAssignmentValue(1, 0, MemberState.Stable, TopicPartitionSet.Empty, TopicPartitionSet.Empty))!;

        AssertCorrupt(() => GroupRecordCodec.ReadValue(GroupRecordType.GroupCurrentMemberAssignment, With(value, 9, 7)));
    }

    [Fact]
    public void Garbage_never_escapes_as_anything_but_corrupt()
    {
        var random = new Random(42);
        for (var i = 0; i < 2_000; i++)
        {
            var bytes = new byte[random.Next(0, 40)];
            random.NextBytes(bytes);
            if (bytes.Length > 0)
            {
                bytes[0] = 0; // past the version check, into the fields
            }

            TryRead(() => GroupRecordCodec.ReadKey(bytes));
            TryRead(() => GroupRecordCodec.ReadValue((GroupRecordType)random.Next(1, 7), bytes));
        }
    }

    [Fact]
    public void Keys_name_one_entity_so_compaction_keeps_the_latest_of_each()
    {
        var keys = new[]
        {
            GroupRecordKey.GroupMetadata("g"),
            GroupRecordKey.TargetAssignmentMetadata("g"),
            GroupRecordKey.MemberMetadata("g", "m"),
            GroupRecordKey.TargetAssignmentMember("g", "m"),
            GroupRecordKey.CurrentMemberAssignment("g", "m"),
            GroupRecordKey.CurrentMemberAssignment("g", "n"),
            GroupRecordKey.CurrentMemberAssignment("h", "m"),
            GroupRecordKey.OffsetCommit("g", new TopicPartition("t", 0)),
            GroupRecordKey.OffsetCommit("g", new TopicPartition("t", 1)),
            GroupRecordKey.OffsetCommit("g", new TopicPartition("u", 0)),
        };

        var encoded = keys.Select(k => Convert.ToHexString(GroupRecordCodec.EncodeKey(k))).ToList();

        Assert.Equal(keys.Length, encoded.Distinct().Count());
        Assert.Equal(encoded[7], Convert.ToHexString(GroupRecordCodec.EncodeKey(GroupRecordKey.OffsetCommit("g", new TopicPartition("t", 0)))));
    }

    private static byte[] With(byte[] bytes, int index, byte value)
    {
        var copy = bytes.ToArray();
        copy[index] = value;
        return copy;
    }

    private static void TryRead(Action read)
    {
        try
        {
            read();
        }
        catch (BrokerException e) when (e.Code == ErrorCode.CorruptMessage)
        {
        }
    }

    private static void AssertCorrupt(Action read) => Assert.Equal(ErrorCode.CorruptMessage, Assert.Throws<BrokerException>(read).Code);
}
