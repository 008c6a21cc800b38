using Broker.Controller;

namespace Broker.Server.Producers;

/// <summary>
/// Hands out this broker's producer ids (InitProducerId): from the block the controller last gave it, and when that
/// is used up from a new block, which the controller records in the metadata log before handing it over. So an id
/// is unique in the cluster and never reused, whatever restarts in between (the unused rest of a block is lost on a
/// restart, at most <see cref="ControllerLimits.ProducerIdBlockSize"/> ids). Thread-safe: one block request at a time.
/// </summary>
public sealed class ProducerIdManager : IDisposable
{
    private readonly IClusterController _controller;
    private readonly int _brokerId;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private long _next;
    private long _end;

    public ProducerIdManager(IClusterController controller, int brokerId)
    {
        _controller = controller;
        _brokerId = brokerId;
    }

    /// <summary>A producer id no producer has had.</summary>
    /// <exception cref="Core.Errors.BrokerException">The controller could not give out a block (retriable
    /// COORDINATOR_NOT_AVAILABLE while this broker is not registered, or a storage error).</exception>
    public async ValueTask<long> NextAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_next >= _end)
            {
                var block = await _controller.AllocateProducerIdsAsync(_brokerId, cancellationToken);
                (_next, _end) = (block.FirstId, block.NextId);
            }

            return _next++;
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();
}
