using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Broker.Protocol.Framing;

/// <summary>
/// The server side's request parser, in Bedrock's shape: <see cref="TryParseMessage"/> takes what the connection
/// has buffered and returns one frame, or false when more bytes are needed (consuming nothing). One instance per
/// connection, used by one reader at a time: it remembers the connection's client id so the steady state allocates
/// nothing per request.
/// </summary>
/// <remarks>
/// Throws <see cref="ProtocolException"/> with <see cref="ProtocolException.FramingLost"/> set for a negative size,
/// a size above <see cref="FrameBytesMax"/>, a frame smaller than the header or a header that does not parse: the
/// server closes the connection. An unknown API key or version is not an error here: the header is returned so the
/// server can answer it (see <see cref="ApiVersionsTable.Check(ApiKey, short)"/>).
/// </remarks>
public sealed class RequestFrameCodec
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private byte[] _clientIdUtf8 = [];
    private string? _clientId;

    public RequestFrameCodec(int frameBytesMax = ProtocolLimits.FrameBytesMaxDefault)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameBytesMax, ProtocolLimits.RequestHeaderBytesMin);
        FrameBytesMax = frameBytesMax;
    }

    /// <summary>The largest size field this listener accepts, in bytes (the frame without its 4-byte prefix).</summary>
    public int FrameBytesMax { get; }

    /// <summary>
    /// Parses one request frame from the start of <paramref name="input"/>. On true, <paramref name="consumed"/> and
    /// <paramref name="examined"/> are the end of the frame. On false, <paramref name="consumed"/> is left alone and
    /// <paramref name="examined"/> is the end of the input, so a PipeReader waits for more bytes.
    /// </summary>
    public bool TryParseMessage(
        in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out RequestFrame frame)
    {
        if (!FrameSlicer.TrySlice(input, FrameBytesMax, ProtocolLimits.RequestHeaderBytesMin, out var frameBytes))
        {
            examined = input.End;
            frame = default;
            return false;
        }

        var memory = FrameSlicer.Contiguous(frameBytes, out var owner);
        try
        {
            var header = ParseHeader(memory.Span, out var headerBytes);
            frame = new RequestFrame(header, memory[headerBytes..], memory.Length, owner);
        }
        catch
        {
            owner?.Dispose();
            throw;
        }

        consumed = frameBytes.End;
        examined = frameBytes.End;
        return true;
    }

    private RequestHeader ParseHeader(ReadOnlySpan<byte> frame, out int headerBytes)
    {
        // The slicer guaranteed RequestHeaderBytesMin, so the fixed fields are present.
        var apiKey = (ApiKey)BinaryPrimitives.ReadInt16BigEndian(frame);
        var apiVersion = BinaryPrimitives.ReadInt16BigEndian(frame[2..]);
        var correlationId = BinaryPrimitives.ReadInt32BigEndian(frame[4..]);
        var clientIdLength = BinaryPrimitives.ReadInt16BigEndian(frame[8..]);
        headerBytes = ProtocolLimits.RequestHeaderBytesMin;
        if (clientIdLength == -1)
        {
            return new RequestHeader(apiKey, apiVersion, correlationId, null);
        }

        if (clientIdLength < -1 || clientIdLength > frame.Length - headerBytes)
        {
            throw new ProtocolException(
                ProtocolViolation.MalformedHeader, $"client_id length {clientIdLength} in a {frame.Length}-byte frame.");
        }

        var clientId = ClientIdOf(frame.Slice(headerBytes, clientIdLength));
        headerBytes += clientIdLength;
        return new RequestHeader(apiKey, apiVersion, correlationId, clientId);
    }

    /// <summary>A connection sends the same client id on every request: decode it once.</summary>
    private string ClientIdOf(ReadOnlySpan<byte> utf8)
    {
        if (_clientId is not null && utf8.SequenceEqual(_clientIdUtf8))
        {
            return _clientId;
        }

        string clientId;
        try
        {
            clientId = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new ProtocolException(ProtocolViolation.MalformedHeader, $"client_id is not UTF-8 ({e.Message}).");
        }

        _clientIdUtf8 = utf8.ToArray();
        _clientId = clientId;
        return clientId;
    }
}
