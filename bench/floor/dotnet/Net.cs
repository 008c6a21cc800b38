using System.Net;
using System.Net.Sockets;

namespace Broker.E2eFloor;

internal static class Net
{
    public static Socket ConnectLoopback(int port, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
                return socket;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                socket.Dispose();
                Thread.Sleep(50); // the server process is still starting
            }
        }
    }

    public static void ReceiveExactly(Socket socket, Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var read = socket.Receive(buffer);
            if (read == 0)
            {
                throw new IOException("The server closed the connection.");
            }

            buffer = buffer[read..];
        }
    }

    /// <summary>Reads and drops everything the server sends until the connection ends (acknowledgements).</summary>
    public static void Drain(Socket socket)
    {
        var sink = new byte[64 * 1024];
        try
        {
            while (socket.Receive(sink) > 0)
            {
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // the run is over
        }
    }
}
