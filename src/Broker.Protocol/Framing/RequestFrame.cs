using System.Buffers;
using Broker.Protocol.Messages;

namespace Broker.Protocol.Framing;

/// <summary>
/// One request as received: its header and its body bytes. The body is a slice of the codec's input when the frame
/// lay in one segment (valid until the caller advances its reader past the frame) or a pooled copy when it spanned
/// segments (valid until <see cref="Dispose"/>). Either way the owner disposes the frame once the handler is done
/// with every slice read from it (Produce records in particular); <see cref="WithOwnedBody"/> detaches the body
/// from the input for a handler that outlives the read buffer.
/// </summary>
public readonly struct RequestFrame : IDisposable
{
    private readonly PooledFrameBuffer? _owner;

    internal RequestFrame(RequestHeader header, ReadOnlyMemory<byte> body, int frameBytes, PooledFrameBuffer? owner)
    {
        Header = header;
        Body = body;
        FrameBytes = frameBytes;
        _owner = owner;
    }

    public RequestHeader Header { get; }

    /// <summary>The bytes after the header.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The frame's size field: header and body, without the 4-byte prefix.</summary>
    public int FrameBytes { get; }

    /// <summary>True when the body is a pooled copy this frame owns rather than a slice of the input.</summary>
    public bool OwnsBody => _owner is not null;

    /// <summary>
    /// Reads the body as <typeparamref name="TRequest"/> at the header's version. Check the header with
    /// <see cref="ApiVersionsTable.Check(ApiKey, short)"/> first; a header naming a different API is a programmer error.
    /// </summary>
    /// <exception cref="ProtocolException">The body does not parse: answer <see cref="ProtocolException.Code"/>.</exception>
    public TRequest ReadBody<TRequest>()
        where TRequest : IRequestMessage<TRequest>
    {
        if (TRequest.ApiKey != Header.ApiKey)
        {
            throw new InvalidOperationException($"A {Header.ApiKey} frame cannot be read as {typeof(TRequest).Name}.");
        }

        return MessageReader.Read<TRequest>(Body, Header.ApiVersion);
    }

    /// <summary>This frame if it already owns its body; otherwise a frame over a pooled copy of the body.</summary>
    public RequestFrame WithOwnedBody()
    {
        if (_owner is not null)
        {
            return this;
        }

        var copy = PooledFrameBuffer.CopyOf(new ReadOnlySequence<byte>(Body));
        return new RequestFrame(Header, copy.Memory, FrameBytes, copy);
    }

    public void Dispose() => _owner?.Dispose();
}
