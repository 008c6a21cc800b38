using System.Buffers;
using Broker.Protocol.Messages;

namespace Broker.Protocol.Framing;

/// <summary>
/// One response as received by a client: its correlation id and body bytes. Lifetime rules as
/// <see cref="RequestFrame"/>: Fetch records read from it are slices of <see cref="Body"/>, valid until the frame
/// is disposed (pooled copy) or the input is advanced past it (slice).
/// </summary>
public readonly struct ResponseFrame : IDisposable
{
    private readonly PooledFrameBuffer? _owner;

    internal ResponseFrame(int correlationId, ReadOnlyMemory<byte> body, PooledFrameBuffer? owner)
    {
        CorrelationId = correlationId;
        Body = body;
        _owner = owner;
    }

    public int CorrelationId { get; }

    public ReadOnlyMemory<byte> Body { get; }

    public bool OwnsBody => _owner is not null;

    /// <summary>Reads the body as the response to a request sent at <paramref name="version"/>.</summary>
    /// <exception cref="ProtocolException">The body does not parse.</exception>
    public TResponse ReadBody<TResponse>(short version)
        where TResponse : IResponseMessage<TResponse> => MessageReader.Read<TResponse>(Body, version);

    /// <summary>This frame if it already owns its body; otherwise a frame over a pooled copy of the body.</summary>
    public ResponseFrame WithOwnedBody()
    {
        if (_owner is not null)
        {
            return this;
        }

        var copy = PooledFrameBuffer.CopyOf(new ReadOnlySequence<byte>(Body));
        return new ResponseFrame(CorrelationId, copy.Memory, copy);
    }

    public void Dispose() => _owner?.Dispose();
}
