using System.Text;

namespace Broker.Client.Tests;

/// <summary>Keys must land where Kafka's Java client puts them: murmur2 vectors from Kafka's own UtilsTest.</summary>
public class PartitionerTests
{
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    [InlineData("string-f-24-chars-length", 124730809)]
    [InlineData("string-fo-25-chars-length", 1269511650)]
    [InlineData("string-foo-26-chars-length", 119165628)]
    [InlineData("string-last-27-chars-length", 1089971754)]
    public void Murmur2_matches_Kafkas_Utils_murmur2(string key, int expected) =>
        Assert.Equal(expected, Partitioner.Murmur2(Encoding.UTF8.GetBytes(key)));

    [Fact]
    public void Murmur2_of_the_empty_key_is_defined() => Assert.Equal(275646681, Partitioner.Murmur2([]));

    [Theory]
    [InlineData(-973932308, 1173551340)]
    [InlineData(int.MinValue, 0)]
    [InlineData(5, 5)]
    public void ToPositive_clears_the_sign_bit_instead_of_negating(int number, int expected) =>
        Assert.Equal(expected, Partitioner.ToPositive(number));

    [Theory]
    [InlineData("foobar", 3, 0)]
    [InlineData("21", 7, 3)]
    [InlineData("abc", 10, 7)]
    public void A_key_picks_toPositive_of_murmur2_modulo_the_partition_count(string key, int partitions, int expected) =>
        Assert.Equal(expected, Partitioner.PartitionForKey(Encoding.UTF8.GetBytes(key), partitions));
}
