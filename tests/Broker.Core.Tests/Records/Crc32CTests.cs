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
}
