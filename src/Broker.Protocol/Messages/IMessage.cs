namespace Broker.Protocol.Messages;

/// <summary>
/// A request or response body of one API. <typeparamref name="TSelf"/> reads itself from a frame body and writes
/// itself to a <see cref="ProtocolWriter"/>; both refuse versions outside <see cref="ApiVersionsTable"/>.
/// </summary>
public interface IMessage<TSelf>
    where TSelf : IMessage<TSelf>
{
    /// <summary>The API this body belongs to.</summary>
    static abstract ApiKey ApiKey { get; }

    /// <summary>Reads the body. Throws <see cref="ProtocolException"/> on malformed input, nothing else.</summary>
    static abstract TSelf Read(ref ProtocolReader reader, short version);

    /// <summary>Writes the body. The same code serves the measuring pass, so it must write the same bytes twice.</summary>
    void Write(ref ProtocolWriter writer, short version);
}
