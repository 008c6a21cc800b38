using System.Buffers;
using System.Buffers.Binary;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages.ApiVersions;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.ListOffsets;
using Broker.Protocol.Messages.Metadata;
using Broker.Protocol.Messages.Produce;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests;

/// <summary>
/// Hostile input over real sockets: random and mutated frames (bodies, and the size prefix and API key that frame
/// them) must each get an answer or a closed connection — never a hang, a crash or unbounded memory — and the broker
/// must go on serving a well-behaved client all the while.
/// </summary>
public sealed class FuzzTests : IAsyncLifetime
{
    private const int FramesTotal = 100_000;
    private const int Workers = 4;
    private const int SentinelCorrelationId = int.MaxValue;

    private TestBroker _broker = null!;

    // Mutated fetches may ask to wait long for data: a legitimate long poll, capped short here.
    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync("--FrameBytesMax=65536", "--FetchWaitMsMax=100");

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Random_and_mutated_frames_get_an_answer_or_a_closed_connection_and_the_broker_keeps_serving()
    {
        using (var setup = _broker.Connect())
        {
            await setup.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("fuzz", 2));
            await setup.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("fuzz", 0, Requests.Batch(20)));
            // The well-behaved client's topic: no mutation of a "fuzz" frame can name it (a longer name).
            await setup.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("steady", 1));
        }

        var templates = Templates();
        var sentinel = Frame(SentinelCorrelationId, new ApiVersionsRequest());
        GC.Collect();
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);

        using var fuzzing = new CancellationTokenSource();
        var steady = Task.Run(() => ServeSteadyClientAsync(fuzzing.Token));
        var outcomes = await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(() => RunWorkerAsync(w, FramesTotal / Workers, templates, sentinel))));
        await fuzzing.CancelAsync();
        var steadyRounds = await steady.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(steadyRounds > 0, "the well-behaved client completed no round while the fuzzing ran");

        var answered = outcomes.Sum(o => o.Answered);
        var closed = outcomes.Sum(o => o.Closed);
        Assert.Equal(FramesTotal, answered + closed);
        Assert.True(answered > FramesTotal / 10, $"answered {answered}, closed {closed}: the mutations should leave many frames parseable");
        Assert.True(closed > FramesTotal / 10, $"answered {answered}, closed {closed}: the mutations should break many frames");

        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(memoryAfter - memoryBefore < 64L << 20, $"managed memory grew by {(memoryAfter - memoryBefore) >> 20} MiB");

        using var client = _broker.Connect();
        var produced = await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("fuzz", 1, Requests.Batch(3)));
        Assert.Equal(ErrorCode.None, produced.Topics[0].Partitions[0].ErrorCode);
        // Mutations may have produced valid batches to partition 1 too (a changed partition index): read from ours.
        var baseOffset = produced.Topics[0].Partitions[0].BaseOffset;
        var fetched = await client.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("fuzz", 1, baseOffset));
        Assert.Equal(["key-0", "key-1", "key-2"], Requests.Records(fetched.Topics[0].Partitions[0]).Select(r => r.Key));
    }

    private async Task<(int Answered, int Closed)> RunWorkerAsync(int worker, int frames, byte[][] templates, byte[] sentinel)
    {
        var random = new Random(1000 + worker);
        var client = _broker.Connect();
        int answered = 0, closed = 0;
        try
        {
            for (var i = 0; i < frames; i++)
            {
                var kind = random.Next(20);
                var template = templates[random.Next(templates.Length)];
                await client.SendBytesAsync(kind < 5 ? RandomFrame(random) : kind < 18 ? Mutate(random, template) : MutateFraming(random, template));
                await client.SendBytesAsync(sentinel);
                if (kind >= 18)
                {
                    // A wrong size prefix may leave the server rightly waiting for the rest of a frame: the end of the
                    // stream settles it (the server closes), and the sentinel was answered or not before that.
                    client.EndSending();
                }

                var sentinelAnswered = await SentinelAnsweredAsync(client);
                if (sentinelAnswered)
                {
                    answered++;
                }
                else
                {
                    closed++;
                }

                if (!sentinelAnswered || kind >= 18)
                {
                    client.Dispose();
                    client = _broker.Connect();
                }
            }
        }
        finally
        {
            client.Dispose();
        }

        return (answered, closed);
    }

    /// <summary>Reads responses until the sentinel's (true) or the end of the connection (false); a hang fails the test.</summary>
    private static async Task<bool> SentinelAnsweredAsync(RawClient client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            ResponseFrame? frame;
            try
            {
                frame = await client.ReadFrameAsync(timeout.Token);
            }
            catch (IOException)
            {
                return false;
            }

            if (frame is null)
            {
                return false;
            }

            using (frame.Value)
            {
                if (frame.Value.CorrelationId == SentinelCorrelationId)
                {
                    return true;
                }
            }
        }
    }

    /// <summary>A valid frame with bytes changed after the size prefix and the API key, so framing stays intact and
    /// no mutation can turn a request into an admin call that creates or deletes topics.</summary>
    private static byte[] Mutate(Random random, byte[] template)
    {
        var frame = (byte[])template.Clone();
        for (var flips = random.Next(1, 4); flips > 0; flips--)
        {
            frame[random.Next(6, frame.Length)] = (byte)random.Next(256);
        }

        return frame;
    }

    /// <summary>
    /// A valid frame with its framing changed: the size prefix (shorter, longer, negative or past the frame cap), or
    /// the API key (another data-path API, or one that does not exist). Admin keys are left out, as in
    /// <see cref="Mutate"/>.
    /// </summary>
    private static byte[] MutateFraming(Random random, byte[] template)
    {
        var frame = (byte[])template.Clone();
        if (random.Next(2) == 0)
        {
            var size = frame.Length - 4;
            int[] sizes = [random.Next(0, size), size + random.Next(1, 64), -random.Next(1, int.MaxValue), 65_537 + random.Next(1 << 20), 0];
            BinaryPrimitives.WriteInt32BigEndian(frame, sizes[random.Next(sizes.Length)]);
        }
        else
        {
            short[] keys = [(short)ApiKey.Produce, (short)ApiKey.Fetch, (short)ApiKey.ListOffsets, (short)ApiKey.Metadata, (short)ApiKey.ApiVersions, -1, 999, short.MaxValue];
            BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(4), keys[random.Next(keys.Length)]);
        }

        return frame;
    }

    /// <summary>
    /// A well-behaved client beside the fuzzing: produces a batch and reads it back, round after round, until
    /// cancelled. Every round must succeed; returns how many did.
    /// </summary>
    private async Task<int> ServeSteadyClientAsync(CancellationToken cancellationToken)
    {
        using var client = _broker.Connect();
        var rounds = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var produced = await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("steady", 0, Requests.Batch(2, first: 2 * rounds)));
            Assert.Equal(ErrorCode.None, produced.Topics[0].Partitions[0].ErrorCode);
            var fetched = await client.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("steady", 0, produced.Topics[0].Partitions[0].BaseOffset));
            Assert.Equal([$"key-{2 * rounds}", $"key-{(2 * rounds) + 1}"], Requests.Records(fetched.Topics[0].Partitions[0]).Take(2).Select(r => r.Key));
            rounds++;
            await Task.Delay(20, CancellationToken.None);
        }

        return rounds;
    }

    /// <summary>A well-delimited frame of random bytes under a data-path API key (or none at all).</summary>
    private static byte[] RandomFrame(Random random)
    {
        var body = new byte[random.Next(ProtocolLimits.RequestHeaderBytesMin, 300)];
        random.NextBytes(body);
        short[] keys = [(short)ApiKey.Produce, (short)ApiKey.Fetch, (short)ApiKey.ListOffsets, (short)ApiKey.Metadata, (short)ApiKey.ApiVersions, 999];
        BinaryPrimitives.WriteInt16BigEndian(body, keys[random.Next(keys.Length)]);
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        return frame;
    }

    private static byte[][] Templates() =>
    [
        Frame(1, Requests.Produce("fuzz", 0, Requests.Batch(2))),
        Frame(2, Requests.Fetch("fuzz", 0, 0)),
        Frame(3, new MetadataRequest { Topics = ["fuzz"] }),
        Frame(4, new ListOffsetsRequest { Topics = [new ListOffsetsRequestTopic { Name = "fuzz", Partitions = [new() { PartitionIndex = 0, Timestamp = -1 }] }] }),
        Frame(5, new ApiVersionsRequest { ClientSoftwareName = "fuzzer", ClientSoftwareVersion = "1" }),
    ];

    private static byte[] Frame<TRequest>(int correlationId, TRequest request)
        where TRequest : Broker.Protocol.Messages.IRequestMessage<TRequest>
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteRequest(output, correlationId, "fuzzer", 0, request);
        return output.WrittenSpan.ToArray();
    }
}
