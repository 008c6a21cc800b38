using Broker.Core;
using Broker.Core.Errors;

namespace Broker.Storage.Tests;

public class OffsetCheckpointFileTests
{
    [Fact]
    public void Round_trips_in_Kafkas_text_format()
    {
        using var dir = new TempDirectory();
        var file = new OffsetCheckpointFile(dir.Combine("recovery-point-offset-checkpoint"));
        file.Write([KeyValuePair.Create(new TopicPartition("orders", 0), 1234L), KeyValuePair.Create(new TopicPartition("a.b_c-d", 7), 9L)]);
        Assert.Equal("0\n2\norders 0 1234\na.b_c-d 7 9\n", File.ReadAllText(file.Path));
        var read = file.Read();
        Assert.Equal(1234, read[new TopicPartition("orders", 0)]);
        Assert.Equal(9, read[new TopicPartition("a.b_c-d", 7)]);
        Assert.False(File.Exists(file.Path + ".tmp"));
    }

    [Fact]
    public void Absent_file_is_empty_and_malformed_file_is_a_storage_error()
    {
        using var dir = new TempDirectory();
        var file = new OffsetCheckpointFile(dir.Combine("cp"));
        Assert.Empty(file.Read());
        foreach (var text in new[] { "1\n0\n", "0\n2\nt 0 1\n", "0\n1\nt x 1\n", "0\n1\nt 0\n" })
        {
            File.WriteAllText(file.Path, text);
            Assert.Equal(ErrorCode.StorageError, Assert.Throws<BrokerException>(() => file.Read()).Code);
        }
    }
}

public class MetaPropertiesTests
{
    [Fact]
    public void Round_trips_and_rejects_incomplete_files()
    {
        using var dir = new TempDirectory();
        Assert.Null(MetaProperties.Read(dir.Path));
        var meta = new MetaProperties(MetaProperties.NewClusterId(), 3);
        meta.Write(dir.Path);
        Assert.Equal(meta, MetaProperties.Read(dir.Path));
        Assert.Equal(22, meta.ClusterId.Length);
        File.WriteAllText(MetaProperties.FilePath(dir.Path), "version=1\nnode.id=3\n");
        Assert.Throws<BrokerException>(() => MetaProperties.Read(dir.Path));
    }
}

public class LeaderEpochCacheTests
{
    [Fact]
    public void Assign_keeps_only_newer_epochs_and_persists()
    {
        using var dir = new TempDirectory();
        var cache = LeaderEpochCache.Load(dir.Path);
        cache.Assign(0, 0);
        cache.Assign(0, 5); // same epoch: ignored
        cache.Assign(2, 10);
        cache.Assign(1, 12); // older epoch: ignored
        Assert.Equal([new EpochEntry(0, 0), new EpochEntry(2, 10)], cache.Entries);
        Assert.Equal("0\n2\n0 0\n2 10\n", File.ReadAllText(Path.Combine(dir.Path, "leader-epoch-checkpoint")));
        Assert.Equal(cache.Entries, LeaderEpochCache.Load(dir.Path).Entries);
    }

    [Fact]
    public void End_offsets_answer_OffsetsForLeaderEpoch()
    {
        using var dir = new TempDirectory();
        var cache = LeaderEpochCache.Load(dir.Path);
        cache.Assign(1, 0);
        cache.Assign(3, 10);
        cache.Assign(4, 25);
        Assert.Equal((1, 10L), cache.EndOffsetFor(1, 40));
        Assert.Equal((1, 10L), cache.EndOffsetFor(2, 40)); // epoch 2 never led: the largest epoch below it
        Assert.Equal((4, 40L), cache.EndOffsetFor(4, 40));
        Assert.Equal((LeaderEpochCache.UndefinedEpoch, LeaderEpochCache.UndefinedOffset), cache.EndOffsetFor(0, 40));
    }

    [Fact]
    public void Truncation_from_either_end()
    {
        using var dir = new TempDirectory();
        var cache = LeaderEpochCache.Load(dir.Path);
        cache.Assign(1, 0);
        cache.Assign(2, 10);
        cache.Assign(3, 20);
        cache.TruncateFromEnd(20);
        Assert.Equal([new EpochEntry(1, 0), new EpochEntry(2, 10)], cache.Entries);
        cache.TruncateFromStart(15);
        Assert.Equal([new EpochEntry(2, 15)], cache.Entries);
        Assert.Equal(cache.Entries, LeaderEpochCache.Load(dir.Path).Entries);
        cache.Clear();
        Assert.Empty(LeaderEpochCache.Load(dir.Path).Entries);
    }

    [Fact]
    public void Malformed_file_is_a_storage_error()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "leader-epoch-checkpoint"), "0\n2\n3 10\n2 20\n");
        Assert.Throws<BrokerException>(() => LeaderEpochCache.Load(dir.Path));
    }
}
