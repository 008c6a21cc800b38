using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using Broker.Client.Internal;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;
using Broker.Protocol.Messages.ApiVersions;

namespace Broker.Client.Network;

/// <summary>
/// One TCP connection to one broker, shared by every caller of a client. Requests are pipelined and written by the
/// callers themselves: a request takes its place in the write order when it is sent, and whichever caller finds
/// nobody writing writes every request waiting and flushes once (one send per burst, not per request; no writer
/// thread to wake). A reader loop matches responses FIFO against the requests in flight, since the broker answers
/// in order.
/// </summary>
/// <remarks>
/// At most <see cref="ConnectionSettings.MaxInFlightRequests"/> requests are in flight; later ones wait, in order,
/// for a response to free a slot. A request without a response within its timeout breaks the connection (its
/// response can no longer be told apart from later ones): a timer checks the deadlines a few times per timeout,
/// instead of a timer per request. A broken connection fails every pending request with a retriable
/// <see cref="ClientErrors.ConnectionLost"/> error and is never reused: <see cref="ConnectionPool"/> opens a new one
/// on the next request. Thread-safe. No lock is held across an await or while writing to the socket.
/// </remarks>
internal sealed class BrokerConnection : IAsyncDisposable
{
    private const string ClientSoftwareName = "broker-dotnet";

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly ConnectionSettings _settings;
    private readonly ResponseFrameCodec _codec;
    private readonly ITimer _deadlineCheck;

    // Guarded by _lock: requests not written yet (in write order), requests written and awaiting their response
    // (oldest first), and whether some thread is writing.
    private readonly Lock _lock = new();
    private readonly Queue<PendingRequest> _unsent = new();
    private readonly Queue<PendingRequest> _awaitingResponse = new();
    private bool _writing;

    // Used only by the thread that holds the writer role (_writing).
    private readonly List<PendingRequest> _batch = [];
    private readonly List<PendingRequest> _withoutResponse = [];
    private int _nextCorrelationId;

    private ApiVersionNegotiation? _versions;
    private Exception? _failure;
    private Task _writes = Task.CompletedTask;
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
        _codec = new ResponseFrameCodec(settings.ResponseFrameBytesMax);
        var period = DeadlineCheckPeriod(settings.RequestTimeout);
        _deadlineCheck = TimeProvider.System.CreateTimer(static state => ((BrokerConnection)state!).CheckDeadlines(), this, period, period);
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
    public async Task<TResponse> RequestAsync<TRequest, TResponse>(
        TRequest request, CancellationToken cancellationToken, TimeSpan extraWait = default, Action? queued = null, bool completeInline = false)
        where TRequest : IRequestMessage<TRequest>
        where TResponse : IResponseMessage<TResponse>
    {
        var (frame, version) = await SendAsync(request, expectsResponse: true, extraWait, cancellationToken, queued, completeInline).ConfigureAwait(false);
        using (frame)
        {
            return ReadBody<TResponse>(frame, version);
        }
    }

    /// <summary>
    /// Sends a request and returns its response frame, which the caller disposes once done with slices of it (Fetch
    /// records). <paramref name="extraWait"/> lengthens the timeout for long polls. Requests are written in the order
    /// of the calls: the request holds its place before this method first yields, and <paramref name="queued"/>, if
    /// given, runs then. With <paramref name="completeInline"/> the caller's continuation runs on the connection's
    /// reader as the response is read, saving a thread hop: only for the client's own code that never blocks there
    /// (it would hold up every response behind it), never for an application's.
    /// </summary>
    public async Task<(ResponseFrame Frame, short Version)> SendAsync<TRequest>(
        TRequest request, bool expectsResponse, TimeSpan extraWait, CancellationToken cancellationToken, Action? queued = null, bool completeInline = false)
        where TRequest : IRequestMessage<TRequest>
    {
        var version = VersionFor(TRequest.ApiKey);
        var timeout = _settings.RequestTimeout + extraWait;
        var pending = new PendingRequestOf<TRequest>(request, version, expectsResponse, completeInline)
        {
            Deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency),
            Timeout = timeout,
        };
        lock (_lock)
        {
            ThrowIfFailedLocked();
            _unsent.Enqueue(pending);
        }

        queued?.Invoke();
        using var cancellation = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static (state, token) => ((PendingRequest)state!).Cancel(token), pending)
            : default;
        WriteWaiting();
        var frame = await pending.Task.ConfigureAwait(false);
        return (frame, version);
    }

    public async ValueTask DisposeAsync()
    {
        Fail(new BrokerException(ClientErrors.ConnectionLost, $"The connection to broker {Endpoint} was closed by the client."));
        await Task.WhenAll(Volatile.Read(ref _writes), _readLoop).ConfigureAwait(false);
    }

    private static TResponse ReadBody<TResponse>(ResponseFrame frame, short version)
        where TResponse : IResponseMessage<TResponse>
    {
        return frame.ReadBody<TResponse>(version);
    }

    private void Start() => _readLoop = Task.Run(ReadLoopAsync);

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

    /// <summary>
    /// Takes the writer role if nobody holds it and writes every request waiting that has a slot, flushing once per
    /// round, until none is left. Runs on the caller's thread until a flush has to wait for the socket; the rest then
    /// runs when it completes.
    /// </summary>
    private void WriteWaiting()
    {
        lock (_lock)
        {
            if (_writing || _failure is not null || _unsent.Count == 0)
            {
                return;
            }

            _writing = true;
        }

        var writes = WriteRoundsAsync();
        if (!writes.IsCompleted)
        {
            Volatile.Write(ref _writes, writes);
        }
    }

    private async Task WriteRoundsAsync()
    {
        try
        {
            while (TakeWritable())
            {
                foreach (var pending in _batch)
                {
                    pending.Write(_output, _settings.ClientId);
                }

                _batch.Clear();
                var flush = await _output.FlushAsync().ConfigureAwait(false);
                foreach (var pending in _withoutResponse)
                {
                    pending.Complete(default);
                }

                _withoutResponse.Clear();
                if (flush.IsCompleted)
                {
                    throw new IOException("the connection was closed while writing");
                }
            }
        }
        catch (Exception e)
        {
            var failure = LostBecause(e);
            Fail(failure);
            foreach (var pending in _withoutResponse)
            {
                pending.Fail(failure);
            }

            _withoutResponse.Clear();
        }
    }

    /// <summary>Moves the requests that may go now into <see cref="_batch"/>, numbered and (when they expect one)
    /// queued for their response before their bytes are written, so no response can arrive first. Gives up the
    /// writer role and returns false when there are none.</summary>
    private bool TakeWritable()
    {
        lock (_lock)
        {
            while (_failure is null && _unsent.TryPeek(out var next))
            {
                if (next.ExpectsResponse && !next.IsAbandoned && _awaitingResponse.Count >= _settings.MaxInFlightRequests)
                {
                    break; // waits, in order, for a response to free a slot
                }

                _unsent.Dequeue();
                if (next.IsAbandoned)
                {
                    continue; // cancelled before it was written: the caller has already been told
                }

                next.CorrelationId = _nextCorrelationId++;
                if (next.ExpectsResponse)
                {
                    _awaitingResponse.Enqueue(next);
                }
                else
                {
                    _withoutResponse.Add(next);
                }

                _batch.Add(next);
            }

            if (_batch.Count == 0)
            {
                _writing = _failure is not null; // a failed connection keeps the role: nothing is written any more
                return false;
            }

            return true;
        }
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
        PendingRequest? pending;
        bool slotWanted;
        lock (_lock)
        {
            _awaitingResponse.TryDequeue(out pending);
            slotWanted = _unsent.Count > 0;
        }

        if (pending is null)
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

        if (slotWanted)
        {
            WriteWaiting(); // a slot is free for the oldest request waiting
        }

        pending.Complete(frame);
    }

    /// <summary>
    /// A written request past its deadline breaks the connection (see the remarks on the class). One still waiting for
    /// a slot (behind long polls, say) fails alone: nothing of it is on the wire, so the connection stays good.
    /// </summary>
    private void CheckDeadlines()
    {
        var now = Stopwatch.GetTimestamp();
        PendingRequest? lateOnWire = null;
        List<PendingRequest>? lateUnsent = null;
        lock (_lock)
        {
            foreach (var pending in _awaitingResponse)
            {
                if (pending.Deadline <= now)
                {
                    lateOnWire = pending;
                    break;
                }
            }

            foreach (var pending in _unsent)
            {
                if (pending.Deadline <= now && !pending.IsAbandoned)
                {
                    (lateUnsent ??= []).Add(pending);
                }
            }
        }

        if (lateOnWire is not null)
        {
            Fail(new BrokerException(ErrorCode.RequestTimedOut,
                $"Broker {Endpoint} did not answer {lateOnWire.ApiKey} within {lateOnWire.Timeout}; the connection is closed."));
            return;
        }

        foreach (var pending in lateUnsent ?? [])
        {
            pending.Abandon(new BrokerException(ErrorCode.RequestTimedOut,
                $"{pending.ApiKey} to broker {Endpoint} was not sent within {pending.Timeout}: all {_settings.MaxInFlightRequests} in-flight slots stayed taken."));
        }
    }

    /// <summary>A few checks per timeout, at most one a second: a late request is noticed within a quarter of its
    /// timeout (or a second), and an idle connection costs one cheap timer tick a second.</summary>
    private static TimeSpan DeadlineCheckPeriod(TimeSpan requestTimeout) =>
        TimeSpan.FromTicks(Math.Clamp(requestTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));

    private void Fail(Exception failure)
    {
        if (Interlocked.CompareExchange(ref _failure, failure, null) is not null)
        {
            return;
        }

        _deadlineCheck.Dispose();
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
        PendingRequest[] pending;
        lock (_lock)
        {
            pending = [.. _awaitingResponse, .. _unsent];
            _awaitingResponse.Clear();
            _unsent.Clear();
        }

        foreach (var request in pending)
        {
            request.Fail(failure);
        }
    }

    private void ThrowIfFailedLocked()
    {
        var failure = _failure;
        if (failure is not null)
        {
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
