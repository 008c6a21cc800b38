using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;

namespace Broker.Server.Tests.Support;

/// <summary>
/// A bare protocol client for server tests: writes request frames with the protocol library and reads response
/// frames, with nothing of the client library's retries or batching in between, so a test sees exactly what the
/// server answered.
/// </summary>
public sealed class RawClient : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly ResponseFrameCodec _codec = new(256 * 1024 * 1024);
    private int _correlationId;

    private RawClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream);
    }

    public static RawClient Connect(IPEndPoint endpoint)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(endpoint);
        return new RawClient(socket);
    }

    /// <summary>Sends a request and returns its response, checking the correlation id.</summary>
    public async Task<TResponse> SendAsync<TRequest, TResponse>(TRequest request, short version = 0)
        where TRequest : IRequestMessage<TRequest>
        where TResponse : IResponseMessage<TResponse>
    {
        var id = await SendOnlyAsync(request, version);
        // Not disposed: a Fetch response's records are slices of the frame's pooled buffer. Returned to the pool, the
        // buffer was reused by other tests' connections in this process while the test still read the records (a
        // fetch 'returned' 80 bytes of another connection's error message); the GC reclaims it instead.
        var frame = await ReadFrameAsync() ?? throw new IOException("The server closed the connection.");
        Assert.Equal(id, frame.CorrelationId);
        return frame.ReadBody<TResponse>(version);
    }

    public async Task<int> SendOnlyAsync<TRequest>(TRequest request, short version = 0)
        where TRequest : IRequestMessage<TRequest>
    {
        var id = ++_correlationId;
        var buffer = new ArrayBufferWriter<byte>();
        FrameWriter.WriteRequest(buffer, id, "raw-test", version, request);
        await _stream.WriteAsync(buffer.WrittenMemory);
        return id;
    }

    public async Task SendBytesAsync(ReadOnlyMemory<byte> bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Half-closes: the server reads the end of the stream after what was sent; responses can still be read.</summary>
    public void EndSending() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>The next response frame, or null when the server closed the connection.</summary>
    public async Task<ResponseFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.End;
            try
            {
                if (_codec.TryParseMessage(buffer, ref consumed, ref examined, out var frame))
                {
                    return frame.WithOwnedBody();
                }

                if (result.IsCompleted)
                {
                    return null;
                }
            }
            finally
            {
                _reader.AdvanceTo(consumed, examined);
            }
        }
    }

    /// <summary>True when the server has closed the connection (reads end) within the timeout.</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (await ReadFrameAsync(cancel.Token) is { } frame)
            {
                frame.Dispose();
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public void Dispose()
    {
        _reader.Complete();
        _stream.Dispose();
        _socket.Dispose();
    }
}
