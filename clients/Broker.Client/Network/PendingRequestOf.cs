using System.Buffers;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;

namespace Broker.Client.Network;

/// <summary>A <see cref="PendingRequest"/> for one message type, written at the version the connection negotiated.</summary>
internal sealed class PendingRequestOf<TRequest>(TRequest request, short version, bool expectsResponse, bool completeInline)
    : PendingRequest(completeInline)
    where TRequest : IRequestMessage<TRequest>
{
    public override bool ExpectsResponse => expectsResponse;

    public override ApiKey ApiKey => TRequest.ApiKey;

    public override void Write(IBufferWriter<byte> output, string? clientId) =>
        FrameWriter.WriteRequest(output, CorrelationId, clientId, version, request);
}
