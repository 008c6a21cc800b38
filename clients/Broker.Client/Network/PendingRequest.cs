using System.Buffers;
using Broker.Protocol.Framing;

namespace Broker.Client.Network;

/// <summary>
/// One request between the caller that sent it and the response that answers it. The connection's writer gives it a
/// correlation id and writes it; the reader loop completes it with the response frame (FIFO: the broker answers in
/// order). Continuations run asynchronously, so a caller's code never runs on the reader loop, unless the caller
/// asked for an inline completion (see <see cref="BrokerConnection.SendAsync"/>).
/// </summary>
internal abstract class PendingRequest(bool completeInline)
{
    private readonly TaskCompletionSource<ResponseFrame> _completion =
        new(completeInline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);

    private int _abandoned;

    /// <summary>False for Produce with acks=0: the broker sends nothing back, so it completes once flushed.</summary>
    public abstract bool ExpectsResponse { get; }

    public abstract Broker.Protocol.ApiKey ApiKey { get; }

    public int CorrelationId { get; set; }

    /// <summary>When the connection gives up on this request (Stopwatch ticks).</summary>
    public long Deadline { get; init; }

    /// <summary>The timeout behind <see cref="Deadline"/>, for the error message.</summary>
    public TimeSpan Timeout { get; init; }

    public Task<ResponseFrame> Task => _completion.Task;

    /// <summary>True once the caller gave up: the writer skips it if not written yet, and its response is dropped.</summary>
    public bool IsAbandoned => Volatile.Read(ref _abandoned) != 0;

    /// <summary>The caller's cancellation: it stops waiting at once.</summary>
    public void Cancel(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _abandoned, 1);
        _completion.TrySetCanceled(cancellationToken);
    }

    /// <summary>Gives up a request that was never written: the caller gets <paramref name="error"/>, the writer skips it.</summary>
    public void Abandon(Exception error)
    {
        Volatile.Write(ref _abandoned, 1);
        _completion.TrySetException(error);
    }

    /// <summary>Writes the whole frame into the connection's output.</summary>
    public abstract void Write(IBufferWriter<byte> output, string? clientId);

    public void Complete(ResponseFrame frame)
    {
        if (!_completion.TrySetResult(frame))
        {
            frame.Dispose();
        }
    }

    public void Fail(Exception exception) => _completion.TrySetException(exception);
}
