using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
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

    private async Task ServeAsync(Socket socket)
    {
        using var stream = new NetworkStream(socket, ownsSocket: false);
        var input = PipeReader.Create(stream);
        var output = PipeWriter.Create(stream);
        var codec = new RequestFrameCodec();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await input.ReadAsync(_stop.Token);
                var buffer = result.Buffer;
                SequencePosition consumed = buffer.Start, examined = buffer.End;
                var frames = new List<RequestFrame>();
                while (codec.TryParseMessage(buffer.Slice(consumed), ref consumed, ref examined, out var frame))
                {
                    frames.Add(frame.WithOwnedBody());
                }

                input.AdvanceTo(consumed, examined);
                foreach (var frame in frames)
                {
                    using (frame)
                    {
                        if (!await _handler.AnswerAsync(frame, output, _stop.Token))
                        {
                            Close(socket);
                            return;
                        }
                    }
                }

                await output.FlushAsync(_stop.Token);
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
            Close(socket);
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
