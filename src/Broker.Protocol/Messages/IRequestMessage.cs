namespace Broker.Protocol.Messages;

/// <summary>A request body: what a client puts after the request header.</summary>
public interface IRequestMessage<TSelf> : IMessage<TSelf>
    where TSelf : IRequestMessage<TSelf>;
