using Broker.Core;

namespace Broker.Storage.Tests;

public class LogFileNamesTests
{
    [Fact]
    public void Segment_names_are_twenty_digit_offsets_that_sort_lexically()
    {
        Assert.Equal("00000000000000000042.log", Path.GetFileName(LogFileNames.LogFile("/d", 42)));
        Assert.Equal("09223372036854775807.index", Path.GetFileName(LogFileNames.IndexFile("/d", long.MaxValue)));
        Assert.Equal("00000000000000000100.timeindex", Path.GetFileName(LogFileNames.TimeIndexFile("/d", 100)));
        var names = new[] { 100L, 9, 10_000 }.Select(LogFileNames.OffsetName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal([LogFileNames.OffsetName(9), LogFileNames.OffsetName(100), LogFileNames.OffsetName(10_000)], names);
    }

    [Theory]
    [InlineData("00000000000000000042.log", ".log", true, 42)]
    [InlineData("00000000000000000042.index", ".log", false, -1)]
    [InlineData("0000000000000000042.log", ".log", false, -1)]
    [InlineData("0000000000000000004x.log", ".log", false, -1)]
    [InlineData("00000000000000000042.log.deleted", ".log", false, -1)]
    public void Base_offsets_parse_only_from_exact_names(string name, string suffix, bool ok, long expected)
    {
        Assert.Equal(ok, LogFileNames.TryParseBaseOffset(name, suffix, out var offset));
        Assert.Equal(expected, offset);
    }

    [Fact]
    public void Partition_directories_parse_on_the_last_dash()
    {
        Assert.True(LogFileNames.TryParsePartitionDirectory("my-topic-7", out var tp));
        Assert.Equal(new TopicPartition("my-topic", 7), tp);
        Assert.EndsWith("my-topic-7", LogFileNames.PartitionDirectory("/data", tp), StringComparison.Ordinal);
        Assert.False(LogFileNames.TryParsePartitionDirectory("topic-x", out _));
        Assert.False(LogFileNames.TryParsePartitionDirectory("-3", out _));
        Assert.False(LogFileNames.TryParsePartitionDirectory("bad topic-3", out _));
    }
}
