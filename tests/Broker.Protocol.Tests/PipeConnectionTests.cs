using System.Buffers;
using System.IO.Pipelines;
using Broker.Core.Errors;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages.ApiVersions;
using Broker.Protocol.Messages.ConsumerGroupHeartbeat;
using Broker.Protocol.Messages.Metadata;
using Broker.Protocol.Messages.Produce;
using Broker.Protocol.Tests.Support;

namespace Broker.Protocol.Tests;

/// <summary>
/// The codecs in the loop a server and a client run, over in-memory pipes (no sockets): pipelined requests are
/// answered in order, and requests the server cannot serve get error responses without losing the connection.
/// </summary>
public class PipeConnectionTests
{
    [Fact]
    public async Task Pipelined_requests_are_answered_in_order_including_ones_the_server_refuses()
    {
        var toServer = new Pipe(new PipeOptions(minimumSegmentSize: 512));
        var toClient = new Pipe();

        // Client: six requests written back to back before reading anything.
        FrameWriter.WriteRequest(toServer.Writer, 1, "app", 0, SampleMessages.ApiVersions());
        FrameWriter.WriteRequest(toServer.Writer, 2, "app", 0, SampleMessages.Produce(partitions: 4, recordBytes: 3000));
        FrameWriter.WriteRequest(toServer.Writer, 3, "app", 0, SampleMessages.Metadata());
        var heartbeatV1 = Wire.RequestFrame(GroupSampleMessages.Heartbeat(), correlationId: 4);
        heartbeatV1[7] = 1; // api_version 1: group APIs are served at version 0 only
        toServer.Writer.Write(heartbeatV1);
        var unsupported = Wire.RequestFrame(SampleMessages.Metadata(), correlationId: 5);
        unsupported[7] = 5; // api_version 5
        toServer.Writer.Write(unsupported);
        var malformed = Wire.RequestFrame(SampleMessages.Metadata(), correlationId: 6);
        malformed[^1] = 2; // allow_auto_topic_creation byte 2: not a boolean
        toServer.Writer.Write(malformed);
        await toServer.Writer.CompleteAsync();

        await ServeAsync(toServer.Reader, toClient.Writer);

        var responses = await ReadResponsesAsync(toClient.Reader);
        Assert.Equal([1, 2, 3, 4, 5, 6], responses.Select(r => r.CorrelationId));
        Assert.Equal(ApiVersionsTable.Supported, ((ApiVersionsResponse)responses[0].Body).ApiKeys);
        Assert.Equal([0, 1, 2, 3], ((ProduceResponse)responses[1].Body).Topics[0].Partitions.Select(p => p.PartitionIndex));
        Assert.Equal(ErrorCode.UnsupportedVersion, ((ConsumerGroupHeartbeatResponse)responses[3].Body).ErrorCode);
        Assert.Equal(ErrorCode.UnsupportedVersion, ((MetadataResponse)responses[4].Body).ErrorCode);
        Assert.Equal(ErrorCode.InvalidRequest, ((MetadataResponse)responses[5].Body).ErrorCode);
    }

    /// <summary>The shape of the server's connection loop: parse, check the header, read the body, answer.</summary>
    private static async Task ServeAsync(PipeReader input, PipeWriter output)
    {
        var codec = new RequestFrameCodec();
        while (true)
        {
            var result = await input.ReadAsync();
            var buffer = result.Buffer;
            SequencePosition consumed = buffer.Start, examined = buffer.End;
            while (codec.TryParseMessage(buffer.Slice(consumed), ref consumed, ref examined, out var frame))
            {
                using (frame)
                {
                    Answer(frame, output);
                }
            }

            input.AdvanceTo(consumed, examined);
            await output.FlushAsync();
            if (result.IsCompleted)
            {
                break;
            }
        }

        await output.CompleteAsync();
    }

    private static void Answer(in RequestFrame frame, PipeWriter output)
    {
        var header = frame.Header;
        var check = ApiVersionsTable.Check(header.ApiKey, header.ApiVersion);
        if (check != ErrorCode.None)
        {
            FrameWriter.WriteErrorResponse(output, header.CorrelationId, check);
            return;
        }

        try
        {
            switch (Wire.ReadRequest(frame))
            {
                case ApiVersionsRequest:
                    FrameWriter.WriteResponse(output, header.CorrelationId, 0, ApiVersionsResponse.FromTable());
                    break;
                case ProduceRequest produce:
                    var topic = produce.Topics[0];
                    FrameWriter.WriteResponse(output, header.CorrelationId, 0, new ProduceResponse
                    {
                        Topics =
                        [
                            new ProduceResponseTopic
                            {
                                Name = topic.Name,
                                Partitions = [.. topic.Partitions.Select(p => new ProduceResponsePartition { PartitionIndex = p.PartitionIndex })],
                            },
                        ],
                    });
                    break;
                default:
                    FrameWriter.WriteResponse(output, header.CorrelationId, 0, SampleMessages.MetadataResult());
                    break;
            }
        }
        catch (ProtocolException e)
        {
            FrameWriter.WriteErrorResponse(output, header.CorrelationId, e.Code);
        }
    }

    private static async Task<List<(int CorrelationId, object Body)>> ReadResponsesAsync(PipeReader input)
    {
        ApiKey[] expected = [ApiKey.ApiVersions, ApiKey.Produce, ApiKey.Metadata, ApiKey.ConsumerGroupHeartbeat, ApiKey.Metadata, ApiKey.Metadata];
        var codec = new ResponseFrameCodec();
        var responses = new List<(int, object)>();
        while (true)
        {
            var result = await input.ReadAsync();
            var buffer = result.Buffer;
            SequencePosition consumed = buffer.Start, examined = buffer.End;
            while (codec.TryParseMessage(buffer.Slice(consumed), ref consumed, ref examined, out var frame))
            {
                using (frame)
                {
                    responses.Add((frame.CorrelationId, Wire.ReadResponse(expected[responses.Count], frame)));
                }
            }

            input.AdvanceTo(consumed, examined);
            if (result.IsCompleted)
            {
                return responses;
            }
        }
    }
}
