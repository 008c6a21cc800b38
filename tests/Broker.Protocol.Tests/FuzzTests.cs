using System.Buffers.Binary;
using Broker.Core.Errors;
using Broker.Protocol.Framing;
using Broker.Protocol.Tests.Support;
using Xunit.Abstractions;

namespace Broker.Protocol.Tests;

/// <summary>
/// Seeded garbage: valid frames of every API, mutated (bytes flipped, lengths and counts replaced with extremes,
/// cut short, extended, headers rewritten) or replaced by noise. Whatever the bytes, the codecs raise
/// <see cref="ProtocolException"/> or nothing, allocate in proportion to the bytes present (never to a length
/// field), and a body they accept is canonical: it re-encodes to exactly the bytes received.
/// A failure names the seed and iteration; the run replays exactly.
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 100_000;
    private const int Seed = 20_250_601;
    private const int FrameBytesMax = 64 * 1024;

    private static readonly int[] ExtremeInt32s = [int.MaxValue, int.MinValue, -1, -2, 0, 1, short.MaxValue, 1 << 20, 1 << 30];
    private static readonly short[] ExtremeInt16s = [short.MaxValue, short.MinValue, -1, -2, 0, 1, 255];

    [Fact]
    public void Mutated_request_frames_raise_only_protocol_errors_and_allocate_only_for_bytes_present()
    {
        var corpus = Wire.EveryRequestFrame();
        var outcomes = new Outcomes();
        var random = new Random(Seed);
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var bytes = Mutate(random, corpus[random.Next(corpus.Count)]);
            var input = SegmentedSequence.Create(bytes, random.Next(bytes.Length + 1));
            Run(iteration, bytes, outcomes, () =>
            {
                var codec = new RequestFrameCodec(FrameBytesMax);
                SequencePosition consumed = input.Start, examined = input.Start;
                if (!codec.TryParseMessage(input, ref consumed, ref examined, out var frame))
                {
                    return Outcome.Incomplete;
                }

                using (frame)
                {
                    // Against every codec, not only the served APIs, so the group bodies are fuzzed too.
                    if (ApiVersionsTable.Check(ApiVersionsTable.Codecs, frame.Header.ApiKey, frame.Header.ApiVersion) != ErrorCode.None)
                    {
                        return Outcome.Refused;
                    }

                    var message = Wire.ReadRequest(frame);
                    Assert.Equal(frame.Body.ToArray(), Wire.EncodeAny(message));
                    return Outcome.Parsed;
                }
            });
        }

        output.WriteLine(outcomes.Describe());
        outcomes.AssertEveryPathWasReached();
    }

    [Fact]
    public void Mutated_response_frames_raise_only_protocol_errors_and_allocate_only_for_bytes_present()
    {
        var corpus = Wire.EveryResponseFrame();
        var outcomes = new Outcomes();
        var random = new Random(Seed + 1);
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var (apiKey, original) = corpus[random.Next(corpus.Count)];
            var bytes = Mutate(random, original);
            var input = SegmentedSequence.Create(bytes, random.Next(bytes.Length + 1));
            Run(iteration, bytes, outcomes, () =>
            {
                var codec = new ResponseFrameCodec(FrameBytesMax);
                SequencePosition consumed = input.Start, examined = input.Start;
                if (!codec.TryParseMessage(input, ref consumed, ref examined, out var frame))
                {
                    return Outcome.Incomplete;
                }

                using (frame)
                {
                    var message = Wire.ReadResponse(apiKey, frame);
                    if (frame.Body.Length == ProtocolLimits.ResponsePreambleBytes)
                    {
                        // The error-only form: it reads as the full form with empty collections, by design.
                        Assert.NotEqual(ErrorCode.None, Wire.ErrorCodeOf(message));
                    }
                    else
                    {
                        Assert.Equal(frame.Body.ToArray(), Wire.EncodeAny(message));
                    }

                    return Outcome.Parsed;
                }
            });
        }

        output.WriteLine(outcomes.Describe());
        outcomes.AssertEveryPathWasReached(expectRefused: false);
    }

    private static void Run(int iteration, byte[] bytes, Outcomes outcomes, Func<Outcome> parse)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        Outcome outcome;
        try
        {
            outcome = parse();
        }
        catch (ProtocolException)
        {
            outcome = Outcome.ProtocolError;
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"iteration {iteration} (seed {Seed}): {e.GetType().Name}: {e.Message}\nframe: {Convert.ToHexString(bytes)}");
            throw;
        }

        // Objects per element and the re-encoded copy are bounded by the bytes present; a lying length is not.
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var allowed = 64L * bytes.Length + 64 * 1024;
        Assert.True(allocated <= allowed, $"iteration {iteration}: allocated {allocated} bytes for a {bytes.Length}-byte frame");
        outcomes.Count(outcome);
    }

    private static byte[] Mutate(Random random, byte[] original)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(7))
        {
            case 0:
                for (var flips = random.Next(1, 5); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                }

                break;
            case 1:
                BinaryPrimitives.WriteInt32BigEndian(
                    bytes.AsSpan(random.Next(bytes.Length - 3)), ExtremeInt32s[random.Next(ExtremeInt32s.Length)]);
                break;
            case 2:
                BinaryPrimitives.WriteInt16BigEndian(
                    bytes.AsSpan(random.Next(bytes.Length - 1)), ExtremeInt16s[random.Next(ExtremeInt16s.Length)]);
                break;
            case 3:
                bytes = bytes[..random.Next(bytes.Length)];
                break;
            case 4:
                var extra = new byte[random.Next(1, 64)];
                random.NextBytes(extra);
                bytes = [.. bytes, .. extra];
                break;
            case 5:
                bytes = new byte[random.Next(0, 200)];
                random.NextBytes(bytes);
                break;
            default:
                // A header naming another API or version over this body: exercises every reader on foreign bytes.
                if (bytes.Length >= 8)
                {
                    BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(4), (short)random.Next(-2, 80));
                    BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(6), (short)random.Next(-1, 2));
                }

                break;
        }

        // Half the time the size prefix is made honest, so the mutation reaches the header and body parsers.
        if (bytes.Length >= 4 && random.Next(2) == 0)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes, bytes.Length - 4);
        }

        return bytes;
    }

    private enum Outcome
    {
        Incomplete,
        Refused,
        ProtocolError,
        Parsed,
    }

    private sealed class Outcomes
    {
        private readonly int[] _counts = new int[4];

        public void Count(Outcome outcome) => _counts[(int)outcome]++;

        /// <summary>A fuzzer that never reaches the body parsers proves nothing: each path must be taken often.</summary>
        public void AssertEveryPathWasReached(bool expectRefused = true)
        {
            Assert.True(_counts[(int)Outcome.Incomplete] > Iterations / 50, Describe());
            Assert.True(_counts[(int)Outcome.ProtocolError] > Iterations / 10, Describe());
            Assert.True(_counts[(int)Outcome.Parsed] > Iterations / 20, Describe());
            if (expectRefused)
            {
                Assert.True(_counts[(int)Outcome.Refused] > Iterations / 100, Describe());
            }
        }

        public string Describe() =>
            string.Join(", ", Enum.GetValues<Outcome>().Select(o => $"{o} {_counts[(int)o]}"));
    }
}
