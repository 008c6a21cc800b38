using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Broker.Protocol;
using Broker.Protocol.Framing;

namespace Broker.Client.Tests.Support;

/// <summary>
/// One fake broker: a TcpListener on 127.0.0.1:0 that parses requests with Broker.Protocol's codec and answers them,
/// in order, from the <see cref="FakeCluster"/>'s state (see <see cref="FakeRequestHandler"/>).
/// </summary>
public sealed class FakeBroker : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, bool> _connections = new();
    private readonly FakeRequestHandler _handler;
    private readonly ConcurrentDictionary<ApiKey, int> _requestCounts = new();
    private Task _acceptLoop = Task.CompletedTask;

    public FakeBroker(FakeCluster cluster, int nodeId)
    {
        NodeId = nodeId;
        _handler = new FakeRequestHandler(cluster, this);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
    }

    public int NodeId { get; }

    public int Port { get; }

    private int _connectionsAccepted;

    public int ConnectionsAccepted => Volatile.Read(ref _connectionsAccepted);

    /// <summary>Requests of <paramref name="api"/> this broker answered (the cluster counts all brokers').</summary>
    public int RequestCount(ApiKey api) => _requestCounts.GetValueOrDefault(api);

    public void CountRequest(ApiKey api) => _requestCounts.AddOrUpdate(api, 1, (_, n) => n + 1);

    public void Start() => _acceptLoop = Task.Run(AcceptLoopAsync);

    public void DropConnections()
    {
        foreach (var socket in _connections.Keys)
        {
            Close(socket);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        DropConnections();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            Interlocked.Increment(ref _connectionsAccepted);
            _connections[socket] = true;
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    /// <summary>
    /// Reads frames as they arrive and hands them to an answering loop, so requests a client pipelines are received
    /// (and counted) while earlier ones are still being answered, in order, as a real broker would.
    /// </summary>
    private async Task ServeAsync(Socket socket)
    {
        using var stream = new NetworkStream(socket, ownsSocket: false);
        var input = PipeReader.Create(stream);
        var output = PipeWriter.Create(stream);
        var codec = new RequestFrameCodec();
        var received = Channel.CreateUnbounded<RequestFrame>();
        var answering = Task.Run(() => AnswerAsync(socket, received.Reader, output));
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await input.ReadAsync(_stop.Token);
                var buffer = result.Buffer;
                SequencePosition consumed = buffer.Start, examined = buffer.End;
                while (codec.TryParseMessage(buffer.Slice(consumed), ref consumed, ref examined, out var frame))
                {
                    _handler.Received(frame.Header.ApiKey);
                    received.Writer.TryWrite(frame.WithOwnedBody());
                }

                input.AdvanceTo(consumed, examined);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or ProtocolException)
        {
            // The client went away, or the test closed the connection.
        }
        finally
        {
            received.Writer.TryComplete();
            await answering;
            Close(socket);
        }
    }

    private async Task AnswerAsync(Socket socket, ChannelReader<RequestFrame> received, PipeWriter output)
    {
        try
        {
            await foreach (var frame in received.ReadAllAsync(_stop.Token))
            {
                using (frame)
                {
                    var answered = await _handler.AnswerAsync(frame, output, _stop.Token);
                    _handler.Answered(frame.Header.ApiKey);
                    if (!answered)
                    {
                        Close(socket);
                        break;
                    }
                }

                if (received.Count == 0)
                {
                    await output.FlushAsync(_stop.Token);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or ProtocolException)
        {
            // The client went away, or the test closed the connection.
        }
        finally
        {
            while (received.TryRead(out var left))
            {
                _handler.Answered(left.Header.ApiKey);
                left.Dispose();
            }
        }
    }

    private void Close(Socket socket)
    {
        _connections.TryRemove(socket, out _);
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        socket.Dispose();
    }
}
