using Broker.Core.Records;

namespace Broker.Core.Tests.Records;

/// <summary>
/// Our batches are Kafka's bytes: the expected arrays below are written field by field from Kafka's documented
/// RecordBatch v2 layout (docs/implementation.html, "Record Batch" and "Record"), not produced by our encoder.
/// </summary>
public class RecordBatchFormatTests
{
    [Fact]
    public void One_record_batch_matches_the_documented_layout_byte_for_byte()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(timestampMs: 1000, key: "k"u8.ToArray(), value: "v"u8.ToArray());
        var actual = builder.Seal().ToArray();

        byte[] record =
        [
            0x10,       // length: varint(8) = zigzag 16
            0x00,       // attributes
            0x00,       // timestampDelta: varlong(0)
            0x00,       // offsetDelta: varint(0)
            0x02, 0x6B, // keyLength varint(1), "k"
            0x02, 0x76, // valueLength varint(1), "v"
            0x00,       // header count varint(0)
        ];
        var expected = Concat(
            Int64(0),          // baseOffset (assigned by the broker)
            Int32(49 + record.Length), // batchLength: bytes from partitionLeaderEpoch to the end
            Int32(-1),         // partitionLeaderEpoch: unset by producers
            [2],               // magic
            [0, 0, 0, 0],      // crc, filled below
            Int16(0),          // attributes: no compression, CreateTime, not transactional, not control
            Int32(0),          // lastOffsetDelta
            Int64(1000),       // baseTimestamp
            Int64(1000),       // maxTimestamp
            Int64(-1),         // producerId
            Int16(-1),         // producerEpoch
            Int32(-1),         // baseSequence
            Int32(1),          // records count
            record);
        WriteCrc(expected);

        Assert.Equal(70, expected.Length);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
    }

    [Fact]
    public void Null_key_headers_and_long_values_match_the_documented_layout()
    {
        using var builder = new RecordBatchBuilder();
        var value = Enumerable.Range(0, 200).Select(i => (byte)i).ToArray();
        builder.Append(timestampMs: 5000, key: null, value: "a"u8.ToArray());
        builder.Append(timestampMs: 4990, key: [], value: value, headers: [new RecordHeader("h", "x"u8.ToArray()), new RecordHeader("n", null)]);
        var actual = builder.Seal().ToArray();

        byte[] first = [0x0E, 0x00, 0x00, 0x00, 0x01, 0x02, 0x61, 0x00]; // body 7 bytes; null key = varint(-1) = 0x01
        var secondBody = Concat(
            [0x00],             // attributes
            [0x13],             // timestampDelta: -10 -> zigzag 19
            [0x02],             // offsetDelta 1
            [0x00],             // empty key: length 0
            [0x90, 0x03],       // value length 200 -> zigzag 400 = 0x190
            value,
            [0x04],             // two headers
            [0x02, 0x68, 0x02, 0x78], // "h" = "x"
            [0x02, 0x6E, 0x01]);      // "n" = null
        Assert.Equal(214, secondBody.Length);
        var second = Concat([0xAC, 0x03], secondBody); // length 214 -> zigzag 428 = 0x1AC

        var records = Concat(first, second);
        var expected = Concat(Int64(0), Int32(49 + records.Length), Int32(-1), [2], [0, 0, 0, 0], Int16(0),
            Int32(1), Int64(5000), Int64(5000), Int64(-1), Int16(-1), Int32(-1), Int32(2), records);
        WriteCrc(expected);

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
    }

    internal static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] Int64(long v) => BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v));

    private static byte[] Int32(int v) => BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v));

    private static byte[] Int16(short v) => BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v));

    /// <summary>CRC-32C computed bit by bit from the Castagnoli polynomial (reflected 0x82F63B78): independent of
    /// the hardware instruction the product uses.</summary>
    private static void WriteCrc(byte[] batch)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in batch.AsSpan(21))
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(17), ~crc);
    }
}
