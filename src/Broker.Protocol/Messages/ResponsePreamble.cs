using Broker.Core.Errors;

namespace Broker.Protocol.Messages;

/// <summary>The first fields of every response body: error_code int16, throttle_time_ms int32.</summary>
internal readonly record struct ResponsePreamble(ErrorCode ErrorCode, int ThrottleTimeMs)
{
    public static ResponsePreamble Read(ref ProtocolReader reader) => new((ErrorCode)reader.ReadInt16(), reader.ReadInt32());

    /// <summary>
    /// True for the error-only form: a non-zero error and no bytes after the preamble. No full response body is
    /// that short (each has at least one field after it), so the form cannot be mistaken for one.
    /// </summary>
    public bool IsErrorOnly(in ProtocolReader reader) => ErrorCode != ErrorCode.None && reader.IsAtEnd;

    public void Write(ref ProtocolWriter writer)
    {
        writer.WriteInt16((short)ErrorCode);
        writer.WriteInt32(ThrottleTimeMs);
    }
}
