namespace Broker.Protocol.Framing;

/// <summary>
/// The fields every request frame carries before its body:
/// api_key int16 | api_version int16 | correlation_id int32 | client_id string (nullable).
/// Enough on its own for the server to refuse an unknown API or version (<see cref="ApiVersionsTable.Check(ApiKey, short)"/>) and
/// to address the refusal to <see cref="CorrelationId"/>.
/// </summary>
public readonly record struct RequestHeader(ApiKey ApiKey, short ApiVersion, int CorrelationId, string? ClientId)
{
    internal void Write(ref ProtocolWriter writer)
    {
        writer.WriteInt16((short)ApiKey);
        writer.WriteInt16(ApiVersion);
        writer.WriteInt32(CorrelationId);
        writer.WriteString(ClientId);
    }
}
