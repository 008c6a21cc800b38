using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Broker.E2eFloor;

/// <summary>
/// The e2e traffic through a pipeline of the broker's shape with nothing else in it. Server (a child process):
/// Kestrel with inline I/O scheduling and inline socket completions, as the broker runs; each produce frame is
/// written to a file (pwrite), acknowledged, and answers the consumer's parked fetch on the producer connection's
/// thread, reading the records back from the file (pread); a background thread asks for writeback of each new MiB (sync_file_range), as the broker's does. Client:
/// a paced producer thread, a thread draining acknowledgements, and a consumer thread long-polling one fetch at a
/// time, all on blocking sockets. Wire: produce [int32 size][records], ack [int64 end], fetch [int64 record index],
/// fetch response [int32 size][records]. No record format, no validation, no metadata, no metrics, no allocation per
/// request: what it shows is the floor for a pipeline of this shape on this machine.
/// </summary>
internal static class ShapedFloor
{
    public const int RecordBytes = 1024;

    public static string RunClient(double rate, long total, long warmup)
    {
        var port = FreePort();
        var file = Path.Combine(Path.GetTempPath(), $"e2e-floor-{Environment.ProcessId}.log");
        using var server = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, ["shaped-server", port.ToString(CultureInfo.InvariantCulture), file])
        {
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("Could not start the server process.");
        try
        {
            using var producer = Connect(port, (byte)'P');
            using var consumer = Connect(port, (byte)'C');
            var due = new long[total];
            var latencies = new Latencies(total, warmup);
            var acks = new Thread(() => Net.Drain(producer)) { IsBackground = true, Name = "acks" };
            acks.Start();
            var consuming = new Thread(() => Consume(consumer, due, latencies)) { IsBackground = true, Name = "consumer" };
            consuming.Start();

            var frame = new byte[4 + (Pacer.BurstMax * RecordBytes)];
            Pacer.Run(rate, due, count =>
            {
                BinaryPrimitives.WriteInt32BigEndian(frame, count * RecordBytes);
                producer.Send(frame.AsSpan(0, 4 + (count * RecordBytes)));
            });
            if (!consuming.Join(TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException("The records did not all arrive within 30 s of the last send.");
            }

            return latencies.ToJson("shaped", rate);
        }
        finally
        {
            server.Kill();
            server.WaitForExit();
            File.Delete(file);
        }
    }

    private static void Consume(Socket socket, long[] due, Latencies latencies)
    {
        var request = new byte[8];
        var response = new byte[4 + ShapedServer.FetchBytesMax];
        for (long next = 0; next < latencies.Total;)
        {
            BinaryPrimitives.WriteInt64BigEndian(request, next);
            socket.Send(request);
            Net.ReceiveExactly(socket, response.AsSpan(0, 4));
            var size = BinaryPrimitives.ReadInt32BigEndian(response);
            Net.ReceiveExactly(socket, response.AsSpan(0, size));
            var now = Stopwatch.GetTimestamp();
            for (var end = next + (size / RecordBytes); next < end; next++)
            {
                latencies.Arrived(next, Volatile.Read(ref due[next]), now);
            }
        }
    }

    private static Socket Connect(int port, byte role)
    {
        var socket = Net.ConnectLoopback(port, TimeSpan.FromSeconds(30));
        socket.Send([role]);
        return socket;
    }

    private static int FreePort()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}

/// <summary>The server half of <see cref="ShapedFloor"/>, one per process.</summary>
internal sealed partial class ShapedServer : ConnectionHandler
{
    public const int FetchBytesMax = 1 << 20;
    private const long WritebackStep = 1 << 20;

    private static readonly Lock Gate = new();
    private static readonly SemaphoreSlim WritebackDue = new(0);
    private static SafeFileHandle _file = null!;
    private static long _end;
    private static PipeWriter? _parked;
    private static long _parkedAt;

    public static async Task RunAsync(int port, string path)
    {
        // As the broker's executable does (BrokerHost.ConfigureProcess): socket completions, and with Kestrel's inline
        // scheduling the handlers, run on the socket engine's threads, not the thread pool.
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        _file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite);
        new Thread(Writeback) { IsBackground = true, Name = "writeback" }.Start();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseSockets(sockets =>
        {
            sockets.NoDelay = true;
            sockets.UnsafePreferInlineScheduling = true;
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseConnectionHandler<ShapedServer>()));
        await using var app = builder.Build();
        await app.RunAsync();
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var first = await input.ReadAtLeastAsync(1);
        var producer = first.Buffer.FirstSpan[0] == (byte)'P';
        input.AdvanceTo(first.Buffer.GetPosition(1));
        while (true)
        {
            var result = await input.ReadAsync();
            var buffer = result.Buffer;
            var wrote = false;
            while (producer ? TryAppend(ref buffer, output) : TryFetch(ref buffer, output))
            {
                wrote = true;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (wrote)
            {
                await output.FlushAsync();
            }

            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>Appends one whole produce frame, answers a parked fetch and acknowledges; false without a whole frame.</summary>
    private static bool TryAppend(ref ReadOnlySequence<byte> buffer, PipeWriter output)
    {
        if (!TryReadInt32(buffer, out var size) || buffer.Length < 4 + size)
        {
            return false;
        }

        var position = _end;
        foreach (var segment in buffer.Slice(4, size))
        {
            RandomAccess.Write(_file, segment.Span, position);
            position += segment.Length;
        }

        buffer = buffer.Slice(4 + size);
        PipeWriter? woken;
        long wokenAt;
        lock (Gate)
        {
            if (position / WritebackStep != _end / WritebackStep)
            {
                WritebackDue.Release();
            }

            _end = position;
            (woken, wokenAt, _parked) = (_parked, _parkedAt, null);
        }

        if (woken is not null)
        {
            Answer(woken, wokenAt, position);
            _ = woken.FlushAsync(); // inline scheduling: written to the socket before this returns, as the broker's DataSignal does
        }

        BinaryPrimitives.WriteInt64BigEndian(output.GetSpan(8), position);
        output.Advance(8);
        return true;
    }

    /// <summary>Answers one fetch at once or parks it for the next append; false without a whole request.</summary>
    private static bool TryFetch(ref ReadOnlySequence<byte> buffer, PipeWriter output)
    {
        if (buffer.Length < 8)
        {
            return false;
        }

        Span<byte> request = stackalloc byte[8];
        buffer.Slice(0, 8).CopyTo(request);
        buffer = buffer.Slice(8);
        var at = BinaryPrimitives.ReadInt64BigEndian(request) * ShapedFloor.RecordBytes;
        long end;
        lock (Gate)
        {
            end = _end;
            if (end <= at)
            {
                (_parked, _parkedAt) = (output, at);
                return false;
            }
        }

        Answer(output, at, end);
        return true;
    }

    private static void Answer(PipeWriter output, long at, long end)
    {
        var size = (int)Math.Min(end - at, FetchBytesMax);
        var span = output.GetSpan(4 + size);
        BinaryPrimitives.WriteInt32BigEndian(span, size);
        RandomAccess.Read(_file, span.Slice(4, size), at);
        output.Advance(4 + size);
    }

    private static bool TryReadInt32(ReadOnlySequence<byte> buffer, out int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        if (buffer.Length < 4)
        {
            value = 0;
            return false;
        }

        buffer.Slice(0, 4).CopyTo(bytes);
        value = BinaryPrimitives.ReadInt32BigEndian(bytes);
        return true;
    }

    private static void Writeback()
    {
        long done = 0;
        while (true)
        {
            WritebackDue.Wait();
            var end = Volatile.Read(ref _end) / WritebackStep * WritebackStep;
            if (end > done)
            {
                _ = SyncFileRange((int)_file.DangerousGetHandle(), done, end - done, 2); // SYNC_FILE_RANGE_WRITE
                done = end;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range")]
    private static partial int SyncFileRange(int fd, long offset, long count, uint flags);
}
