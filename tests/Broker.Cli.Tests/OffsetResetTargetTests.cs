using Broker.Cli.Commands;
using Broker.Cli.Groups;
using Broker.Core;

namespace Broker.Cli.Tests;

public sealed class OffsetResetTargetTests
{
    private static readonly TopicPartition Partition = new("orders", 3);
    private static readonly LogRange Range = new(10, 50);

    [Theory]
    [InlineData("Earliest", 0L, 30L, 10L)]
    [InlineData("Latest", 0L, 30L, 50L)]
    [InlineData("Offset", 25L, null, 25L)]
    [InlineData("Offset", 5L, null, 10L)] // below the log start
    [InlineData("Offset", 51L, null, 50L)] // past the end
    [InlineData("ShiftBy", 5L, 30L, 35L)]
    [InlineData("ShiftBy", -5L, 30L, 25L)]
    [InlineData("ShiftBy", -100L, 30L, 10L)]
    [InlineData("ShiftBy", 100L, 30L, 50L)]
    [InlineData("ShiftBy", long.MaxValue, 30L, 50L)] // no overflow before clamping
    [InlineData("ShiftBy", long.MinValue, 30L, 10L)]
    [InlineData("ShiftBy", 1L, 5L, 10L)] // committed below a log start that retention moved
    public void New_offsets_stay_within_the_log(string mode, long value, long? committed, long expected) =>
        Assert.Equal(expected, new OffsetResetTarget(Enum.Parse<OffsetResetMode>(mode), value).NewOffset(Partition, committed, Range));

    [Theory]
    [InlineData(42L, 42L)]
    [InlineData(-1L, 50L)] // no record that new: the end
    [InlineData(3L, 10L)] // found below a log start that moved meanwhile
    public void A_time_resets_to_the_offset_found_for_it_or_the_end(long found, long expected) =>
        Assert.Equal(expected, new OffsetResetTarget(OffsetResetMode.Datetime, 1_700_000_000_000).NewOffset(Partition, 30, Range, found));

    [Fact]
    public void Shifting_without_a_committed_offset_is_refused_naming_the_partition()
    {
        var refused = Assert.Throws<CliException>(() => new OffsetResetTarget(OffsetResetMode.ShiftBy, 1).NewOffset(Partition, null, Range));
        Assert.Contains("orders-3", refused.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
    }

    [Theory]
    [InlineData("2024-05-01T12:00:00Z", 1_714_564_800_000L)]
    [InlineData("2024-05-01T12:00:00.250Z", 1_714_564_800_250L)]
    [InlineData("2024-05-01T14:00:00.250+02:00", 1_714_564_800_250L)]
    [InlineData("2024-05-01T12:00Z", 1_714_564_800_000L)]
    [InlineData("1969-12-31T23:59:59Z", 0L)] // before the epoch: the earliest
    public void Times_are_iso_8601(string text, long expected)
    {
        Assert.True(GroupResetOffsetsCommand.TryParseDatetime(text, out var unixMs));
        Assert.Equal(expected, unixMs);
    }

    [Fact]
    public void A_time_without_a_zone_is_local_time_as_in_kafka()
    {
        Assert.True(GroupResetOffsetsCommand.TryParseDatetime("2024-05-01T12:00:00.5", out var unixMs));
        Assert.Equal(new DateTimeOffset(new DateTime(2024, 5, 1, 12, 0, 0, 500, DateTimeKind.Local)).ToUnixTimeMilliseconds(), unixMs);
    }

    [Theory]
    [InlineData("2024-05-01")]
    [InlineData("yesterday")]
    [InlineData("1714564800000")]
    [InlineData("05/01/2024 12:00")]
    public void Other_spellings_of_a_time_are_refused(string text) =>
        Assert.False(GroupResetOffsetsCommand.TryParseDatetime(text, out _));
}
