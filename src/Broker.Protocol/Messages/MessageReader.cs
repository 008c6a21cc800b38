namespace Broker.Protocol.Messages;

/// <summary>Reads a whole body as one message and refuses trailing bytes.</summary>
public static class MessageReader
{
    /// <summary>
    /// Reads <typeparamref name="TMessage"/> from <paramref name="body"/>. Byte fields of the result (Produce records,
    /// Fetch records) are slices of <paramref name="body"/> and live only as long as it does.
    /// </summary>
    /// <exception cref="ProtocolException">The body is malformed or the version is not supported.</exception>
    public static TMessage Read<TMessage>(ReadOnlyMemory<byte> body, short version)
        where TMessage : IMessage<TMessage>
    {
        var reader = new ProtocolReader(body);
        var message = TMessage.Read(ref reader, version);
        reader.EnsureAtEnd();
        return message;
    }
}
