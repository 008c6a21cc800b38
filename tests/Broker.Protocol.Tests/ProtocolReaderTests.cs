using System.Buffers.Binary;
using Broker.Protocol.Tests.Support;

namespace Broker.Protocol.Tests;

public class ProtocolReaderTests
{
    [Fact]
    public void Reads_big_endian_integers()
    {
        byte[] bytes = [0x80, 0x01, 0x02, 0x03, 0x04, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0x7F];
        var reader = new ProtocolReader(bytes);
        Assert.Equal(unchecked((short)0x8001), reader.ReadInt16());
        Assert.Equal(0x02030405, reader.ReadInt32());
        Assert.Equal(-2L, reader.ReadInt64());
        Assert.Equal((sbyte)0x7F, reader.ReadInt8());
        Assert.True(reader.IsAtEnd);
    }

    [Fact]
    public void Truncated_input_is_a_protocol_error_never_an_index_error()
    {
        byte[] bytes = [1, 2, 3];
        Assert.Equal(ProtocolViolation.MalformedBody, Assert.Throws<ProtocolException>(() => new ProtocolReader(bytes).ReadInt32()).Violation);
        Assert.Throws<ProtocolException>(() => new ProtocolReader(bytes).ReadInt64());
        Assert.Throws<ProtocolException>(() => new ProtocolReader(ReadOnlyMemory<byte>.Empty).ReadInt8());
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1_000)]
    [InlineData(-2)]
    public void An_array_count_the_remaining_bytes_cannot_hold_is_refused_before_allocation(int count)
    {
        var bytes = new byte[4 + 100];
        BinaryPrimitives.WriteInt32BigEndian(bytes, count);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ProtocolException>(() => new ProtocolReader(bytes).ReadArrayCount(elementBytesMin: 4));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 * 1024);
    }

    [Fact]
    public void An_array_count_that_fits_the_remaining_bytes_is_accepted()
    {
        var bytes = new byte[4 + 100];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 25);
        Assert.Equal(25, new ProtocolReader(bytes).ReadArrayCount(elementBytesMin: 4));
        BinaryPrimitives.WriteInt32BigEndian(bytes, 26);
        Assert.Throws<ProtocolException>(() => new ProtocolReader(bytes).ReadArrayCount(elementBytesMin: 4));
    }

    [Fact]
    public void Null_arrays_are_only_accepted_where_nullable()
    {
        byte[] bytes = [0xFF, 0xFF, 0xFF, 0xFF];
        Assert.Equal(-1, new ProtocolReader(bytes).ReadNullableArrayCount(1));
        Assert.Null(new ProtocolReader(bytes).ReadNullableStringArray());
        Assert.Throws<ProtocolException>(() => new ProtocolReader(bytes).ReadArrayCount(1));
        Assert.Throws<ProtocolException>(() => new ProtocolReader(bytes).ReadInt32Array());
    }

    [Fact]
    public void Strings_are_bounded_by_the_bytes_present_and_must_be_utf8()
    {
        Assert.Throws<ProtocolException>(() => new ProtocolReader(new byte[] { 0x7F, 0xFF, (byte)'a' }).ReadString());
        Assert.Throws<ProtocolException>(() => new ProtocolReader(new byte[] { 0xFF, 0xFE }).ReadNullableString());
        Assert.Throws<ProtocolException>(() => new ProtocolReader(new byte[] { 0, 2, 0xC3, 0x28 }).ReadString());
        Assert.Throws<ProtocolException>(() => new ProtocolReader(new byte[] { 0xFF, 0xFF }).ReadString());
        Assert.Null(new ProtocolReader(new byte[] { 0xFF, 0xFF }).ReadNullableString());
        Assert.Equal("é", new ProtocolReader(new byte[] { 0, 2, 0xC3, 0xA9 }).ReadString());
        Assert.Same(string.Empty, new ProtocolReader(new byte[] { 0, 0 }).ReadString());
    }

    [Fact]
    public void Booleans_are_zero_or_one()
    {
        Assert.False(new ProtocolReader(new byte[] { 0 }).ReadBoolean());
        Assert.True(new ProtocolReader(new byte[] { 1 }).ReadBoolean());
        Assert.Throws<ProtocolException>(() => new ProtocolReader(new byte[] { 2 }).ReadBoolean());
    }

    [Fact]
    public void Bytes_are_length_checked_slices_and_never_null()
    {
        byte[] bytes = [0, 0, 0, 2, 7, 8, 9];
        var reader = new ProtocolReader(bytes);
        var slice = reader.ReadBytes();
        Assert.Equal([7, 8], slice.ToArray());
        Assert.Equal(6, reader.Position);
        Assert.Throws<ProtocolException>(() => new ProtocolReader(new byte[] { 0, 0, 0, 9, 1 }).ReadBytes());
        Assert.Throws<ProtocolException>(() => new ProtocolReader(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }).ReadBytes());
    }

    [Fact]
    public void Trailing_bytes_after_a_body_are_refused()
    {
        var body = Wire.Encode(SampleMessages.Metadata()).Append((byte)0).ToArray();
        Assert.Throws<ProtocolException>(() => Messages.MessageReader.Read<Messages.Metadata.MetadataRequest>(body, 0));
    }
}
