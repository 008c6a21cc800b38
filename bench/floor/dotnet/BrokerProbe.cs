using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using Broker.Core.Records;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.Produce;

namespace Broker.E2eFloor;

/// <summary>
/// The e2e traffic against a running broker from the smallest client of our protocol: the same pacer as
/// <see cref="ShapedFloor"/>, one Produce request (acks=1) per burst on one connection with a thread draining the
/// responses, and one long-polling Fetch at a time on another, all on blocking sockets. Against brokerctl's numbers
/// this separates what the broker adds to the tail from what the client library adds. The topic's partition 0 must
/// be new (offsets from 0): record i's latency is looked up by offset.
/// </summary>
internal static class BrokerProbe
{
    public static string Run(int port, string topic, double rate, long total, long warmup)
    {
        using var producer = Net.ConnectLoopback(port, TimeSpan.FromSeconds(5));
        using var consumer = Net.ConnectLoopback(port, TimeSpan.FromSeconds(5));
        var due = new long[total];
        var latencies = new Latencies(total, warmup);
        var responses = new Thread(() => Net.Drain(producer)) { IsBackground = true, Name = "produce responses" };
        responses.Start();
        Exception? consumerFailure = null;
        var consuming = new Thread(() =>
        {
            try
            {
                Consume(consumer, topic, due, latencies);
            }
            catch (Exception e)
            {
                consumerFailure = e;
            }
        }) { IsBackground = true, Name = "consumer" };
        consuming.Start();

        using var builder = new RecordBatchBuilder();
        var value = new byte[ShapedFloor.RecordBytes];
        var frame = new ArrayBufferWriter<byte>(1 << 20);
        var correlationId = 0;
        Pacer.Run(rate, due, count =>
        {
            builder.Reset();
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            for (var i = 0; i < count; i++)
            {
                builder.Append(timestamp, ReadOnlySpan<byte>.Empty, keyIsNull: true, value, valueIsNull: false);
            }

            frame.ResetWrittenCount();
            FrameWriter.WriteRequest(frame, ++correlationId, "e2e-floor", 0, new ProduceRequest
            {
                Acks = ProduceAcks.Leader,
                TimeoutMs = 30_000,
                Topics = [new ProduceRequestTopic { Name = topic, Partitions = [new ProduceRequestPartition { PartitionIndex = 0, Records = builder.Seal() }] }],
            });
            producer.Send(frame.WrittenSpan);
        });
        if (!consuming.Join(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException($"The records did not all arrive within 30 s of the last send: does topic '{topic}' exist, with a new partition 0?");
        }

        return consumerFailure is null ? latencies.ToJson("broker-probe", rate) : throw new IOException("The consumer failed.", consumerFailure);
    }

    private static void Consume(Socket socket, string topic, long[] due, Latencies latencies)
    {
        var request = new ArrayBufferWriter<byte>(256);
        var response = new byte[8 << 20];
        var correlationId = 0;
        for (long next = 0; next < latencies.Total;)
        {
            request.ResetWrittenCount();
            FrameWriter.WriteRequest(request, ++correlationId, "e2e-floor", 0, new FetchRequest
            {
                MaxWaitMs = 500,
                MinBytes = 1,
                MaxBytes = 4 << 20,
                Topics = [new FetchRequestTopic { Name = topic, Partitions = [new FetchRequestPartition { PartitionIndex = 0, FetchOffset = next, PartitionMaxBytes = 1 << 20 }] }],
            });
            socket.Send(request.WrittenSpan);
            Net.ReceiveExactly(socket, response.AsSpan(0, 4));
            var size = BinaryPrimitives.ReadInt32BigEndian(response);
            Net.ReceiveExactly(socket, response.AsSpan(0, size));
            var now = Stopwatch.GetTimestamp();
            var reader = new ProtocolReader(response.AsMemory(4, size - 4)); // after the correlation id
            var partition = FetchResponse.Read(ref reader, 0).Topics[0].Partitions[0];
            if (partition.ErrorCode != Broker.Core.Errors.ErrorCode.None)
            {
                throw new IOException($"Fetch failed: {partition.ErrorCode}.");
            }

            var records = partition.Records.Memory.Span;
            while (records.Length >= RecordBatchLayout.HeaderBytes)
            {
                var header = RecordBatchHeader.Read(records);
                if (records.Length < header.TotalBytes)
                {
                    break; // a partial batch at the end of the response, fetched again next time
                }

                for (var offset = Math.Max(header.BaseOffset, next); offset <= header.LastOffset && offset < latencies.Total; offset++)
                {
                    latencies.Arrived(offset, Volatile.Read(ref due[offset]), now);
                }

                next = Math.Max(next, header.NextOffset);
                records = records[header.TotalBytes..];
            }
        }
    }
}
