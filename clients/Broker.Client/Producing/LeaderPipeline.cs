using System.Threading.Channels;
using Broker.Client.Network;

namespace Broker.Client.Producing;

/// <summary>
/// The produce requests for one partition leader, started strictly in the order the sender drained them: the next
/// request starts only once the previous one holds its place on the connection. With several requests of a partition
/// in flight this is what keeps them in sequence on the wire (a connection with no free in-flight slot would otherwise
/// let waiting requests go in any order). One pump task per leader, so a leader being connected to or saturated
/// does not hold up the others.
/// </summary>
internal sealed class LeaderPipeline
{
    private readonly Channel<DrainedPartition[]> _requests = Channel.CreateUnbounded<DrainedPartition[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _pump;

    /// <param name="start">Starts one request and completes once it is queued on the connection (or has failed).</param>
    public LeaderPipeline(BrokerEndpoint leader, Func<BrokerEndpoint, DrainedPartition[], Task> start)
    {
        _pump = Task.Run(async () =>
        {
            await foreach (var partitions in _requests.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                await start(leader, partitions).ConfigureAwait(false);
            }
        });
    }

    /// <summary>Queues a request; requests posted from one thread start in posting order.</summary>
    public void Post(DrainedPartition[] partitions) => _requests.Writer.TryWrite(partitions);

    /// <summary>Lets the pump finish once what is queued has started.</summary>
    public Task CompleteAsync()
    {
        _requests.Writer.TryComplete();
        return _pump;
    }
}
