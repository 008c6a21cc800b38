using Broker.Core.Errors;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.InitProducerId;
using Broker.Protocol.Messages.Metadata;
using Broker.Protocol.Messages.Produce;
using Broker.Protocol.Tests.Support;

namespace Broker.Protocol.Tests;

/// <summary>
/// Golden bytes, written out by hand from docs/protocol.md: a round trip cannot catch a field order or width that
/// Read and Write get wrong together, these can.
/// </summary>
public class WireLayoutTests
{
    [Fact]
    public void Request_frame_is_size_then_key_version_correlation_client_id_then_body()
    {
        var frame = Wire.RequestFrame(new MetadataRequest { Topics = ["ab"], AllowAutoTopicCreation = true }, correlationId: 0x01020304, clientId: "c");
        byte[] expected =
        [
            0, 0, 0, 20, // size: 2 + 2 + 4 + 3 header, 4 + 4 + 1 body
            0, 3, // api_key Metadata
            0, 0, // api_version 0
            1, 2, 3, 4, // correlation_id
            0, 1, (byte)'c', // client_id
            0, 0, 0, 1, 0, 2, (byte)'a', (byte)'b', // topics ["ab"]
            1, // allow_auto_topic_creation
        ];
        Assert.Equal(expected, frame);
    }

    [Fact]
    public void Produce_request_body_layout()
    {
        var request = new ProduceRequest
        {
            Acks = ProduceAcks.All,
            TimeoutMs = 1000,
            Topics = [new ProduceRequestTopic { Name = "t", Partitions = [new() { PartitionIndex = 2, Records = new byte[] { 9, 8 } }] }],
        };
        byte[] expected =
        [
            0xFF, 0xFF, // acks -1
            0, 0, 0x03, 0xE8, // timeout_ms 1000
            0, 0, 0, 1, 0, 1, (byte)'t', // topics: 1, name "t"
            0, 0, 0, 1, 0, 0, 0, 2, // partitions: 1, index 2
            0, 0, 0, 2, 9, 8, // records
        ];
        Assert.Equal(expected, Wire.Encode(request));
    }

    [Fact]
    public void Fetch_response_layout_with_preamble_first()
    {
        var response = new FetchResponse
        {
            ThrottleTimeMs = 1,
            Topics =
            [
                new FetchResponseTopic
                {
                    Name = "t",
                    Partitions = [new() { PartitionIndex = 0, ErrorCode = ErrorCode.None, HighWatermark = 5, LastStableOffset = 4, LogStartOffset = 1, Records = new RecordSet(new byte[] { 7 }) }],
                },
            ],
        };
        byte[] expected =
        [
            0, 0, // error_code
            0, 0, 0, 1, // throttle_time_ms
            0, 0, 0, 1, 0, 1, (byte)'t', // topics: 1, name "t"
            0, 0, 0, 1, // partitions: 1
            0, 0, 0, 0, // partition 0
            0, 0, // error_code
            0, 0, 0, 0, 0, 0, 0, 5, // high_watermark
            0, 0, 0, 0, 0, 0, 0, 4, // last_stable_offset
            0, 0, 0, 0, 0, 0, 0, 1, // log_start_offset
            0, 0, 0, 1, 7, // records
        ];
        Assert.Equal(expected, Wire.Encode(response));
    }

    [Fact]
    public void InitProducerId_request_and_response_layout()
    {
        var request = new InitProducerIdRequest { TransactionalId = null, TransactionTimeoutMs = 1000, ProducerId = 0x0102030405060708, ProducerEpoch = 9 };
        byte[] expectedRequest =
        [
            0xFF, 0xFF, // transactional_id null
            0, 0, 0x03, 0xE8, // transaction_timeout_ms 1000
            1, 2, 3, 4, 5, 6, 7, 8, // producer_id
            0, 9, // producer_epoch
        ];
        Assert.Equal(expectedRequest, Wire.Encode(request));

        var response = new InitProducerIdResponse { ThrottleTimeMs = 2, ProducerId = 1000, ProducerEpoch = 0 };
        byte[] expectedResponse =
        [
            0, 0, // error_code
            0, 0, 0, 2, // throttle_time_ms
            0, 0, 0, 0, 0, 0, 0x03, 0xE8, // producer_id 1000
            0, 0, // producer_epoch
        ];
        Assert.Equal(expectedResponse, Wire.Encode(response));
    }

    [Fact]
    public void Error_only_response_is_the_preamble_alone_and_every_response_type_reads_it()
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        FrameWriter.WriteErrorResponse(output, correlationId: 7, ErrorCode.UnsupportedVersion, throttleTimeMs: 0);
        byte[] expected = [0, 0, 0, 10, 0, 0, 0, 7, 0, 35, 0, 0, 0, 0];
        Assert.Equal(expected, output.WrittenSpan.ToArray());

        var body = output.WrittenMemory[8..];
        Assert.Equal(ErrorCode.UnsupportedVersion, MessageReader.Read<ProduceResponse>(body, 0).ErrorCode);
        Assert.Empty(MessageReader.Read<ProduceResponse>(body, 0).Topics);
        foreach (var (apiKey, _) in Wire.EveryResponseFrame())
        {
            var codec = new ResponseFrameCodec();
            var input = new System.Buffers.ReadOnlySequence<byte>(output.WrittenMemory);
            SequencePosition consumed = input.Start, examined = input.Start;
            Assert.True(codec.TryParseMessage(input, ref consumed, ref examined, out var frame));
            var response = Wire.ReadResponse(apiKey, frame);
            Assert.Equal(ErrorCode.UnsupportedVersion, Wire.ErrorCodeOf(response));
            // Read as the full form with empty collections: preamble, then a zero count where the first array starts.
            Assert.Equal(expected[8..], Wire.EncodeAny(response)[..6]);
        }
    }

    [Fact]
    public void A_preamble_with_no_error_and_nothing_after_is_malformed_not_an_empty_response()
    {
        byte[] body = [0, 0, 0, 0, 0, 0];
        Assert.Throws<ProtocolException>(() => MessageReader.Read<MetadataResponse>(body, 0));
    }
}
