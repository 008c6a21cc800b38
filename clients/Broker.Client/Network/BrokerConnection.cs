using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;
using Broker.Client.Internal;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;
using Broker.Protocol.Messages.ApiVersions;

namespace Broker.Client.Network;

/// <summary>
/// One TCP connection to one broker, shared by every caller of a client. Requests are pipelined: callers hand them
/// to a writer loop, which writes every request waiting and then flushes once (one send per burst, not per request);
/// a reader loop matches responses FIFO against the requests in flight, since the broker answers in order.
/// </summary>
/// <remarks>
/// At most <see cref="ConnectionSettings.MaxInFlightRequests"/> requests are in flight. A request without a response
/// within its timeout breaks the connection (its response can no longer be told apart from later ones), and a
/// broken connection fails every pending request with a retriable <see cref="ClientErrors.ConnectionLost"/> error.
/// A broken connection is never reused: <see cref="ConnectionPool"/> opens a new one on the next request.
/// Thread-safe. No lock is held across an await.
/// </remarks>
internal sealed class BrokerConnection : IAsyncDisposable
{
    private const string ClientSoftwareName = "broker-dotnet";

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly ConnectionSettings _settings;
    private readonly Channel<PendingRequest> _outgoing =
        Channel.CreateUnbounded<PendingRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentQueue<PendingRequest> _awaitingResponse = new();
    private readonly SemaphoreSlim _inFlightSlots;
    private readonly ResponseFrameCodec _codec;
    private ApiVersionNegotiation? _versions;
    private Exception? _failure;
    private int _nextCorrelationId;
    private Task _writeLoop = Task.CompletedTask;
    private Task _readLoop = Task.CompletedTask;

    private BrokerConnection(Socket socket, BrokerEndpoint endpoint, ConnectionSettings settings)
    {
        _socket = socket;
        Endpoint = endpoint;
        _settings = settings;
        _stream = new NetworkStream(socket, ownsSocket: false);
        // 64 KiB reads and writes: a full 1 MiB produce request is 16 sends, a small one a single send.
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: true));
        _inFlightSlots = new SemaphoreSlim(settings.MaxInFlightRequests, settings.MaxInFlightRequests);
        _codec = new ResponseFrameCodec(settings.ResponseFrameBytesMax);
    }

    public BrokerEndpoint Endpoint { get; }

    /// <summary>False once the connection has failed or been closed.</summary>
    public bool IsUsable => Volatile.Read(ref _failure) is null;

    /// <summary>Opens the connection and checks, with ApiVersions, that the broker speaks what this client sends.</summary>
    /// <exception cref="BrokerException">Unreachable broker (retriable) or no common version (UNSUPPORTED_VERSION).</exception>
    public static async Task<BrokerConnection> ConnectAsync(BrokerEndpoint endpoint, ConnectionSettings settings, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new BrokerException(ClientErrors.ConnectionLost, $"Could not connect to broker {endpoint}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new BrokerConnection(socket, endpoint, settings);
        connection.Start();
        try
        {
            await connection.HandshakeAsync(timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return connection;
    }

    /// <summary>Sends a request and reads its response; the frame is released before returning. <paramref name="queued"/>,
    /// if given, runs once the request holds its place in the connection's write order (see <see cref="SendAsync"/>).</summary>
    public async Task<TResponse> RequestAsync<TRequest, TResponse>(TRequest request, CancellationToken cancellationToken, TimeSpan extraWait = default, Action? queued = null)
        where TRequest : IRequestMessage<TRequest>
        where TResponse : IResponseMessage<TResponse>
    {
        var (frame, version) = await SendAsync(request, expectsResponse: true, extraWait, cancellationToken, queued).ConfigureAwait(false);
        using (frame)
        {
            return ReadBody<TResponse>(frame, version);
        }
    }

    /// <summary>
    /// Sends a request and returns its response frame, which the caller disposes once done with slices of it (Fetch
    /// records). <paramref name="extraWait"/> lengthens the timeout for long polls. Requests are written in the order
    /// they are queued, which is not always the order of the calls: a call may wait for an in-flight slot. A caller
    /// whose requests must go out in order (the producer's, per partition) starts the next one only after
    /// <paramref name="queued"/> ran for this one (or the call ended).
    /// </summary>
    public async Task<(ResponseFrame Frame, short Version)> SendAsync<TRequest>(
        TRequest request, bool expectsResponse, TimeSpan extraWait, CancellationToken cancellationToken, Action? queued = null)
        where TRequest : IRequestMessage<TRequest>
    {
        var version = VersionFor(TRequest.ApiKey);
        ThrowIfFailed();
        await _inFlightSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        var pending = new PendingRequestOf<TRequest>(request, version, expectsResponse);
        try
        {
            if (!_outgoing.Writer.TryWrite(pending))
            {
                ThrowIfFailed();
            }

            queued?.Invoke();
            var timeout = _settings.RequestTimeout + extraWait;
            var frame = await pending.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return (frame, version);
        }
        catch (TimeoutException)
        {
            var error = new BrokerException(ErrorCode.RequestTimedOut,
                $"Broker {Endpoint} did not answer {TRequest.ApiKey} within {_settings.RequestTimeout + extraWait}; the connection is closed.");
            Fail(error);
            throw error;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            pending.Abandon();
            throw;
        }
        finally
        {
            _inFlightSlots.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Fail(new BrokerException(ClientErrors.ConnectionLost, $"The connection to broker {Endpoint} was closed by the client."));
        await Task.WhenAll(_writeLoop, _readLoop).ConfigureAwait(false);
        _inFlightSlots.Dispose();
    }

    private static TResponse ReadBody<TResponse>(ResponseFrame frame, short version)
        where TResponse : IResponseMessage<TResponse>
    {
        return frame.ReadBody<TResponse>(version);
    }

    private void Start()
    {
        _writeLoop = Task.Run(WriteLoopAsync);
        _readLoop = Task.Run(ReadLoopAsync);
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        var request = new ApiVersionsRequest { ClientSoftwareName = ClientSoftwareName, ClientSoftwareVersion = "1" };
        var response = await RequestAsync<ApiVersionsRequest, ApiVersionsResponse>(request, cancellationToken).ConfigureAwait(false);
        if (response.ApiKeys.Count == 0 && response.ErrorCode != ErrorCode.None)
        {
            throw ClientErrors.Describe(response.ErrorCode, null, $"Broker {Endpoint} refused ApiVersions");
        }

        _versions = ApiVersionNegotiation.Negotiate(response.ApiKeys);
    }

    private short VersionFor(ApiKey apiKey)
    {
        if (apiKey == ApiKey.ApiVersions)
        {
            return 0; // the one request sent before negotiation; its v0 response layout is frozen
        }

        var versions = _versions ?? throw new InvalidOperationException("A request was sent before the ApiVersions handshake.");
        return versions.VersionFor(apiKey, Endpoint);
    }

    private async Task WriteLoopAsync()
    {
        var withoutResponse = new List<PendingRequest>();
        try
        {
            var reader = _outgoing.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var pending))
                {
                    WriteOne(pending, withoutResponse);
                }

                var flush = await _output.FlushAsync().ConfigureAwait(false);
                foreach (var pending in withoutResponse)
                {
                    pending.Complete(default);
                }

                withoutResponse.Clear();
                if (flush.IsCompleted || !IsUsable)
                {
                    break;
                }
            }
        }
        catch (Exception e)
        {
            Fail(LostBecause(e));
        }
        finally
        {
            var failure = Volatile.Read(ref _failure) ?? LostBecause(null);
            foreach (var pending in withoutResponse)
            {
                pending.Fail(failure);
            }

            FailAllPending(failure);
        }
    }

    private void WriteOne(PendingRequest pending, List<PendingRequest> withoutResponse)
    {
        if (pending.IsAbandoned)
        {
            pending.Fail(new OperationCanceledException("The caller cancelled before the request was sent."));
            return;
        }

        pending.CorrelationId = _nextCorrelationId++;
        // Queued before its bytes are written, so its response cannot arrive first.
        if (pending.ExpectsResponse)
        {
            _awaitingResponse.Enqueue(pending);
        }
        else
        {
            withoutResponse.Add(pending);
        }

        pending.Write(_output, _settings.ClientId);
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                SequencePosition consumed = buffer.Start, examined = buffer.End;
                try
                {
                    while (_codec.TryParseMessage(buffer.Slice(consumed), ref consumed, ref examined, out var frame))
                    {
                        // Detached from the pipe's buffer, which is reused once the reader advances.
                        Dispatch(frame.WithOwnedBody());
                    }
                }
                finally
                {
                    _input.AdvanceTo(consumed, examined);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    throw new IOException("the broker closed the connection");
                }
            }
        }
        catch (Exception e)
        {
            Fail(LostBecause(e));
        }
    }

    private void Dispatch(ResponseFrame frame)
    {
        if (!_awaitingResponse.TryDequeue(out var pending))
        {
            frame.Dispose();
            throw new IOException($"the broker sent a response (correlation id {frame.CorrelationId}) to no request");
        }

        if (pending.CorrelationId != frame.CorrelationId)
        {
            frame.Dispose();
            pending.Fail(LostBecause(null));
            throw new IOException($"response correlation id {frame.CorrelationId} does not match the oldest request's {pending.CorrelationId}");
        }

        pending.Complete(frame);
    }

    private void Fail(Exception failure)
    {
        if (Interlocked.CompareExchange(ref _failure, failure, null) is not null)
        {
            return;
        }

        _outgoing.Writer.TryComplete();
        _input.CancelPendingRead();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer: closing is all that is left to do.
        }

        _socket.Dispose();
        FailAllPending(failure);
    }

    private void FailAllPending(Exception failure)
    {
        while (_awaitingResponse.TryDequeue(out var pending))
        {
            pending.Fail(failure);
        }

        while (_outgoing.Reader.TryRead(out var pending))
        {
            pending.Fail(failure);
        }
    }

    private void ThrowIfFailed()
    {
        var failure = Volatile.Read(ref _failure);
        if (failure is not null)
        {
            FailAllPending(failure);
            throw new BrokerException(ClientErrors.ConnectionLost, failure.Message, failure);
        }
    }

    private BrokerException LostBecause(Exception? cause)
    {
        if (Volatile.Read(ref _failure) is BrokerException existing)
        {
            return existing;
        }

        var detail = cause?.Message ?? "connection closed";
        return cause is null
            ? new BrokerException(ClientErrors.ConnectionLost, $"Connection to broker {Endpoint} lost: {detail}.")
            : new BrokerException(ClientErrors.ConnectionLost, $"Connection to broker {Endpoint} lost: {detail}.", cause);
    }
}
