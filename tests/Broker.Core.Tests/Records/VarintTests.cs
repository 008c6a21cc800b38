using Broker.Core.Records;

namespace Broker.Core.Tests.Records;

public class VarintTests
{
    [Theory]
    // Zig-zag then 7-bit groups, low first (protobuf sint32 encoding, which Kafka's records use).
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(-1, new byte[] { 0x01 })]
    [InlineData(1, new byte[] { 0x02 })]
    [InlineData(-64, new byte[] { 0x7F })]
    [InlineData(64, new byte[] { 0x80, 0x01 })]
    [InlineData(200, new byte[] { 0x90, 0x03 })]
    [InlineData(int.MaxValue, new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0x0F })]
    [InlineData(int.MinValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
    public void Int32_encodes_to_the_zigzag_bytes(int value, byte[] expected)
    {
        var buffer = new byte[Varint.Int32BytesMax];
        var written = Varint.Write(buffer, value);
        Assert.Equal(expected, buffer[..written]);
        Assert.Equal(expected.Length, Varint.SizeOf(value));
        Assert.True(Varint.TryReadInt32(expected, out var read, out var bytesRead));
        Assert.Equal(value, read);
        Assert.Equal(expected.Length, bytesRead);
    }

    [Fact]
    public void Int64_round_trips_across_its_range()
    {
        var random = new Random(11);
        var buffer = new byte[Varint.Int64BytesMax];
        long[] edges = [0, -1, 1, long.MaxValue, long.MinValue, int.MaxValue + 1L, int.MinValue - 1L];
        foreach (var value in edges.Concat(Enumerable.Range(0, 10_000).Select(_ => random.NextInt64(long.MinValue, long.MaxValue) >> random.Next(64))))
        {
            var written = Varint.Write(buffer, value);
            Assert.Equal(Varint.SizeOf(value), written);
            Assert.True(Varint.TryReadInt64(buffer.AsSpan(0, written), out var read, out var bytesRead));
            Assert.Equal(value, read);
            Assert.Equal(written, bytesRead);
        }
    }

    [Fact]
    public void Truncated_input_is_refused()
    {
        Assert.False(Varint.TryReadInt32([0x80, 0x80], out _, out _));
        Assert.False(Varint.TryReadInt64([], out _, out _));
    }

    [Fact]
    public void Overlong_int32_is_refused()
    {
        // Six bytes, or five whose value needs more than 32 bits, is not an int32.
        Assert.False(Varint.TryReadInt32([0x80, 0x80, 0x80, 0x80, 0x80, 0x00], out _, out _));
        Assert.False(Varint.TryReadInt32([0xFF, 0xFF, 0xFF, 0xFF, 0x7F], out _, out _));
        Assert.False(Varint.TryReadInt64([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], out _, out _));
    }
}
