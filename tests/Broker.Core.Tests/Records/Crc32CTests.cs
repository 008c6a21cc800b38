using System.Text;
using Broker.Core.Records;

namespace Broker.Core.Tests.Records;

public class Crc32CTests
{
    [Fact]
    public void Check_value_of_the_standard_test_string_is_E3069283()
    {
        // The catalogue check value of CRC-32C (iSCSI): CRC of ASCII "123456789".
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
    }

    [Fact]
    public void Folding_in_pieces_equals_one_pass()
    {
        var data = new byte[1000];
        new Random(7).NextBytes(data);
        for (var split = 0; split <= data.Length; split += 37)
        {
            var state = Crc32C.Append(Crc32C.Start, data.AsSpan(0, split));
            state = Crc32C.Append(state, data.AsSpan(split));
            Assert.Equal(Crc32C.Compute(data), Crc32C.Finish(state));
        }
    }

    [Fact]
    public void Rfc3720_vector_of_32_zero_bytes()
    {
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.NotEqual(0u, Crc32C.Compute(Encoding.ASCII.GetBytes("x")));
    }

    [Fact]
    public void Interleaved_path_equals_one_chain_at_every_length_around_the_block_boundaries()
    {
        var data = new byte[(3 * Crc32C.BlockBytes * 3) + 100];
        new Random(13).NextBytes(data);
        var stride = 3 * Crc32C.BlockBytes;
        int[] lengths = [0, 1, 7, 8, stride - 1, stride, stride + 1, stride + 8, (2 * stride) - 3, 2 * stride, (2 * stride) + 5, data.Length];
        foreach (var length in lengths)
        {
            var span = data.AsSpan(0, length);
            Assert.Equal(Crc32C.AppendSequential(Crc32C.Start, span), Crc32C.Append(Crc32C.Start, span));
            Assert.Equal(Crc32C.AppendSequential(0x1234_5678, span), Crc32C.Append(0x1234_5678, span));
        }
    }

    [Fact]
    public void Unaligned_starts_give_the_same_checksum()
    {
        var data = new byte[(4 * 3 * Crc32C.BlockBytes) + 16];
        new Random(17).NextBytes(data);
        for (var start = 0; start < 8; start++)
        {
            var span = data.AsSpan(start, 3 * 3 * Crc32C.BlockBytes);
            Assert.Equal(Crc32C.AppendSequential(Crc32C.Start, span), Crc32C.Append(Crc32C.Start, span));
        }
    }
}
