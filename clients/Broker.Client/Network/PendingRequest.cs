using System.Buffers;
using Broker.Protocol.Framing;

namespace Broker.Client.Network;

/// <summary>
/// One request between the caller that sent it and the response that answers it. The connection's writer loop
/// gives it a correlation id and writes it; the reader loop completes it with the response frame (FIFO: the broker
/// answers in order). Completion runs continuations asynchronously so a caller's code never runs on the I/O loops.
/// </summary>
internal abstract class PendingRequest
{
    private readonly TaskCompletionSource<ResponseFrame> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _abandoned;

    /// <summary>False for Produce with acks=0: the broker sends nothing back, so it completes once flushed.</summary>
    public abstract bool ExpectsResponse { get; }

    public abstract Broker.Protocol.ApiKey ApiKey { get; }

    public int CorrelationId { get; set; }

    public Task<ResponseFrame> Task => _completion.Task;

    /// <summary>True once the caller gave up before the request was written: the writer skips it.</summary>
    public bool IsAbandoned => Volatile.Read(ref _abandoned) != 0;

    public void Abandon() => Volatile.Write(ref _abandoned, 1);

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
