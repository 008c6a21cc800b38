namespace Broker.Controller;

/// <summary>Producer ids [<paramref name="FirstId"/>, <paramref name="FirstId"/> + <paramref name="Size"/>), given to one
/// broker for good by a <see cref="Metadata.ProducerIdsRecord"/>.</summary>
public readonly record struct ProducerIdBlock(long FirstId, int Size)
{
    /// <summary>The first id after the block: the next block's first.</summary>
    public long NextId => FirstId + Size;
}
