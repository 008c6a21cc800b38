using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Storage;

namespace Broker.Server.Handlers;

/// <summary>
/// Fetched batches written straight from the segment file into the response pipe's buffers with positional reads:
/// one copy, from the page cache to the socket buffer, and no intermediate byte[]. (Kestrel's pipes cannot take a
/// file region, so sendfile is not available; this is the one copy a pipe needs anyway.)
/// </summary>
internal sealed class LogRecordSource : IRecordSource
{
    private readonly LogReadResult _read;

    public LogRecordSource(LogReadResult read) => _read = read;

    public int Length => _read.Length;

    public void CopyTo(int sourceOffset, Span<byte> destination)
    {
        var handle = _read.FileHandle ?? throw new InvalidOperationException("An empty read has no bytes to copy.");
        var position = _read.FilePosition + sourceOffset;
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(handle, destination, position);
            if (read <= 0)
            {
                throw new BrokerException(ErrorCode.StorageError, $"Segment file ended {destination.Length} bytes early at position {position}.");
            }

            destination = destination[read..];
            position += read;
        }

        if (!_read.IsValid)
        {
            // A truncation replaced these bytes while they were copied; the frame is already sized, so the
            // connection closes and the client fetches again.
            throw new BrokerException(ErrorCode.NotLeaderOrFollower, "The log was truncated while a fetch read it.");
        }
    }
}
