using System.Buffers;
using Broker.Core.Errors;
using Broker.Protocol.Messages;

namespace Broker.Protocol.Framing;

/// <summary>
/// Writes whole frames: size prefix, header, body. The size is found by a measuring pass over the same Write code
/// (no bytes copied, records counted by length), then the frame is written once, straight into the output. Nothing
/// is flushed to the network: the caller awaits its PipeWriter's FlushAsync, which is where backpressure lives.
/// </summary>
public static class FrameWriter
{
    /// <summary>Writes a request frame for <typeparamref name="TRequest"/> at <paramref name="apiVersion"/>.</summary>
    /// <returns>Bytes written, including the size prefix.</returns>
    public static long WriteRequest<TRequest>(
        IBufferWriter<byte> output, int correlationId, string? clientId, short apiVersion, TRequest request)
        where TRequest : IRequestMessage<TRequest>
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = new RequestHeader(TRequest.ApiKey, apiVersion, correlationId, clientId);
        var measuring = ProtocolWriter.Measuring();
        header.Write(ref measuring);
        request.Write(ref measuring, apiVersion);
        var size = FrameSizeOf(measuring.BytesWritten);

        var writer = new ProtocolWriter(output);
        writer.WriteInt32(size);
        header.Write(ref writer);
        request.Write(ref writer, apiVersion);
        return Finish(ref writer, size);
    }

    /// <summary>Writes a response frame answering <paramref name="correlationId"/>.</summary>
    /// <returns>Bytes written, including the size prefix.</returns>
    public static long WriteResponse<TResponse>(IBufferWriter<byte> output, int correlationId, short apiVersion, TResponse response)
        where TResponse : IResponseMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(response);
        var measuring = ProtocolWriter.Measuring();
        response.Write(ref measuring, apiVersion);
        var size = FrameSizeOf(ProtocolLimits.ResponseHeaderBytes + measuring.BytesWritten);

        var writer = new ProtocolWriter(output);
        writer.WriteInt32(size);
        writer.WriteInt32(correlationId);
        response.Write(ref writer, apiVersion);
        return Finish(ref writer, size);
    }

    /// <summary>
    /// Writes the error-only response (the preamble alone) that every response type reads: the answer to a request
    /// whose API, version or body the server cannot handle.
    /// </summary>
    public static long WriteErrorResponse(IBufferWriter<byte> output, int correlationId, ErrorCode errorCode, int throttleTimeMs = 0)
    {
        if (errorCode == ErrorCode.None)
        {
            throw new ArgumentException("An error-only response needs an error.", nameof(errorCode));
        }

        const int size = ProtocolLimits.ResponseHeaderBytes + ProtocolLimits.ResponsePreambleBytes;
        var writer = new ProtocolWriter(output);
        writer.WriteInt32(size);
        writer.WriteInt32(correlationId);
        new ResponsePreamble(errorCode, throttleTimeMs).Write(ref writer);
        return Finish(ref writer, size);
    }

    private static int FrameSizeOf(long bytes) => bytes <= int.MaxValue
        ? (int)bytes
        : throw new InvalidOperationException($"A {bytes}-byte frame does not fit the int32 size field; bound the response.");

    private static long Finish(ref ProtocolWriter writer, int size)
    {
        writer.Flush();
        // Must hold in release: a size prefix that disagrees with the bytes desynchronises the connection for good.
        if (writer.BytesWritten != ProtocolLimits.FrameSizeBytes + (long)size)
        {
            throw new InvalidOperationException(
                $"Frame measured {size} bytes but wrote {writer.BytesWritten - ProtocolLimits.FrameSizeBytes}: a Write method is not deterministic.");
        }

        return writer.BytesWritten;
    }
}
