using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Server.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Network;

/// <summary>
/// Serves one client connection: parses request frames from the transport's pipe, hands each to the
/// <see cref="RequestDispatcher"/> and writes the responses in request order (requests may be pipelined; they are
/// handled one at a time, as Kafka does, which is what keeps responses in order).
/// Limits: a frame larger than <see cref="BrokerOptions.FrameBytesMax"/> or a broken frame header closes the
/// connection without an answer; an unknown API or version gets an error response and the connection stays; a
/// body that does not parse gets an error response, then the connection closes. A connection idle for
/// <see cref="BrokerOptions.ConnectionIdleTimeoutMs"/> (or up to a tenth longer) is closed. Memory per connection is bounded by the frame cap
/// (the input pipe) and by the responses waiting to be sent: <see cref="OutputFlushBytes"/> plus the largest response
/// (a Fetch is capped at <see cref="BrokerOptions.FetchResponseBytesMax"/>), however many requests are pipelined.
/// On shutdown the requests already received are answered (a waiting fetch at once, with what there is), then the
/// connection closes.
/// Threads: with <see cref="BrokerOptions.InlineIoScheduling"/> this loop runs on the socket I/O thread that
/// completed the read; the <see cref="RequestDispatcher"/> moves the requests that may block off it.
/// </summary>
internal sealed class BrokerConnectionHandler : ConnectionHandler
{
    /// <summary>Responses to pipelined requests are flushed once this many bytes of them wait (see ServeAsync).</summary>
    internal const int OutputFlushBytes = 1 << 20;

    private readonly BrokerRuntime _runtime;
    private readonly RequestDispatcher _dispatcher;
    private readonly ILogger _logger;

    public BrokerConnectionHandler(BrokerRuntime runtime, RequestDispatcher dispatcher, ILogger<BrokerConnectionHandler> logger)
    {
        _runtime = runtime;
        _dispatcher = dispatcher;
        _logger = logger;
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        _runtime.Metrics.ConnectionOpened();
        var closing = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(closing, aborted.Token);
        try
        {
            await _runtime.Ready.WaitAsync(lifetime.Token);
            await ServeAsync(connection, closing, aborted, lifetime.Token);
        }
        catch (ProtocolException e)
        {
            _logger.LogInformation("Closing {Connection} from {Remote}: {Reason}", connection.ConnectionId, connection.RemoteEndPoint, e.Message);
        }
        catch (Exception e) when (e is OperationCanceledException or ConnectionResetException or IOException)
        {
            _logger.LogDebug("Connection {Connection} ended: {Reason}", connection.ConnectionId, e.Message);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Closing {Connection} from {Remote} after an unexpected error", connection.ConnectionId, connection.RemoteEndPoint);
        }
        finally
        {
            _runtime.Metrics.ConnectionClosed();
        }
    }

    /// <param name="closing">Cancelled when the broker shuts down: the connection then answers what it has already
    /// received, in one last pass, and closes.</param>
    /// <param name="aborted">Cancelled when the connection closes or stays idle (its timer is armed here): the end of
    /// the connection, which every request's handling and every flush stops at.</param>
    /// <param name="lifetime">Either of the two: what a read, and a fetch's long poll, stop at.</param>
    private async Task ServeAsync(ConnectionContext connection, CancellationToken closing, CancellationTokenSource aborted, CancellationToken lifetime)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var codec = new RequestFrameCodec(_runtime.Options.FrameBytesMax);
        var idleTimeout = TimeSpan.FromMilliseconds(_runtime.Options.ConnectionIdleTimeoutMs);
        var client = ClientHostOf(connection);

        // Re-arming the idle timer before every read would update the runtime's timer queue, under its lock, for every
        // request (thousands a second on a busy connection). It is re-armed at most once per tenth of the timeout, for
        // the timeout plus that tenth, so a connection closes after an idle time between 1 and 1.1 timeouts: never early.
        var rearmInterval = idleTimeout / 10;
        var armedAt = Stopwatch.GetTimestamp();
        aborted.CancelAfter(idleTimeout + rearmInterval);
        var lastPass = false;
        while (true)
        {
            if (Stopwatch.GetElapsedTime(armedAt) >= rearmInterval)
            {
                armedAt = Stopwatch.GetTimestamp();
                aborted.CancelAfter(idleTimeout + rearmInterval);
            }

            // Read in this method, not a helper: an async helper would box a state machine per read that waits.
            ReadResult result;
            if (closing.IsCancellationRequested)
            {
                // Shutting down: one last pass over what has already arrived (every earlier read was advanced, so a
                // read may start), not over what a client goes on sending.
                lastPass = true;
                if (!input.TryRead(out result))
                {
                    return;
                }
            }
            else
            {
                try
                {
                    result = await input.ReadAsync(lifetime);
                }
                catch (OperationCanceledException) when (closing.IsCancellationRequested && !aborted.IsCancellationRequested)
                {
                    continue; // shutdown began while waiting: the last pass takes what had arrived by then
                }
            }

            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.End;
            var keepOpen = true;
            try
            {
                // Once shutdown begins, the frames of this buffer are still answered; only the connection's end stops it.
                while (keepOpen && !aborted.IsCancellationRequested && codec.TryParseMessage(buffer.Slice(consumed), ref consumed, ref examined, out var frame))
                {
                    using (frame)
                    {
                        keepOpen = await HandleAsync(frame, output, client, aborted.Token, lifetime);
                    }

                    // A buffer may hold thousands of pipelined requests (the input pipe takes a whole frame cap), and
                    // fetch responses are large: flushing as they pile up lets the client's reading pace the
                    // connection (the flush waits while the socket is full), so the responses held at once stay near
                    // this size plus the largest one, whatever the client sends.
                    if (output.CanGetUnflushedBytes && output.UnflushedBytes >= OutputFlushBytes)
                    {
                        await output.FlushAsync(aborted.Token);
                    }
                }
            }
            finally
            {
                input.AdvanceTo(consumed, examined);
            }

            // The idle timer also ends a flush to a client that stopped reading; a shutdown does not (its timeout aborts
            // the connection).
            if (!output.CanGetUnflushedBytes || output.UnflushedBytes > 0)
            {
                await output.FlushAsync(aborted.Token);
            }

            if (!keepOpen || result.IsCompleted || lastPass)
            {
                return;
            }
        }
    }

    /// <summary>Handles one request; false when the connection must close after the response. A request runs until
    /// the connection's end (<paramref name="aborted"/>), so one received before a shutdown completes and is answered;
    /// a fetch's long poll also ends at the shutdown (<paramref name="lifetime"/>), answering with what there is.</summary>
    private async ValueTask<bool> HandleAsync(RequestFrame frame, PipeWriter output, string clientHost, CancellationToken aborted, CancellationToken lifetime)
    {
        var cancellationToken = frame.Header.ApiKey == ApiKey.Fetch ? lifetime : aborted;
        var header = frame.Header;
        var started = Stopwatch.GetTimestamp();
        var api = ApiNames.Of(header.ApiKey);
        var check = ApiVersionsTable.Check(header.ApiKey, header.ApiVersion);
        if (check != ErrorCode.None)
        {
            FrameWriter.WriteErrorResponse(output, header.CorrelationId, check);
            _runtime.Metrics.RequestError(api, ErrorCodes.Name(check));
            return true;
        }

        try
        {
            // A request that waits sends what earlier pipelined requests produced first. Not flushed from here once it
            // has gone asynchronous: it may be writing its response on another thread (see RequestDispatcher).
            await _dispatcher.DispatchAsync(frame, output, clientHost, cancellationToken);
            return true;
        }
        catch (ConnectionCloseException e)
        {
            _logger.LogInformation("{Api} request {CorrelationId} failed and has no response: {Reason}; closing the connection", api, header.CorrelationId, e.Message);
            return false;
        }
        catch (ProtocolException e) when (!e.FramingLost)
        {
            FrameWriter.WriteErrorResponse(output, header.CorrelationId, e.Code);
            _runtime.Metrics.RequestError(api, ErrorCodes.Name(e.Code));
            _logger.LogInformation("Malformed {Api} request {CorrelationId}: {Reason}; closing the connection", api, header.CorrelationId, e.Message);
            return false;
        }
        finally
        {
            _runtime.Metrics.Request(api, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>The client's address as DescribeGroups shows it (Kafka prints "/" and the IP).</summary>
    private static string ClientHostOf(ConnectionContext connection) => connection.RemoteEndPoint switch
    {
        System.Net.IPEndPoint ip => "/" + ip.Address,
        { } other => other.ToString() ?? string.Empty,
        null => string.Empty,
    };
}
