using System.IO.Pipelines;
using Broker.Core.Threading;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Server.Handlers;
using Broker.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Broker.Server.Network;

/// <summary>Routes a checked request frame to the handler of its API, on the thread its API may run on (see
/// <see cref="PlacementOf"/>). Handlers read the body, call the broker's services and write the response frame into
/// <c>output</c>; the connection flushes.</summary>
internal sealed class RequestDispatcher
{
    private readonly ProduceHandler _produce;
    private readonly FetchHandler _fetch;
    private readonly MetadataHandler _metadata;
    private readonly AdminHandler _admin;
    private readonly ConfigHandler _configs;
    private readonly GroupHandler _groups;
    private readonly bool _onIoThread;

    public RequestDispatcher(
        ProduceHandler produce, FetchHandler fetch, MetadataHandler metadata, AdminHandler admin, ConfigHandler configs, GroupHandler groups, IOptions<BrokerOptions> options)
    {
        _groups = groups;
        _produce = produce;
        _fetch = fetch;
        _metadata = metadata;
        _admin = admin;
        _configs = configs;
        _onIoThread = options.Value.InlineIoScheduling;
    }

    /// <summary>Where a request is handled, and whether the responses queued before it are flushed first.</summary>
    private enum Placement
    {
        /// <summary>Where it was read. Completes at once, or flushes the earlier responses itself before it waits.</summary>
        Inline,

        /// <summary>Where it was read, after the earlier responses are flushed: it may wait, asynchronously.</summary>
        InlineAfterFlush,

        /// <summary>On the thread pool, after the earlier responses are flushed: it may block.</summary>
        ThreadPool,
    }

    /// <param name="frame">The request.</param>
    /// <param name="output">Where the response goes.</param>
    /// <param name="clientHost">The client's address, which DescribeGroups shows for each member.</param>
    /// <param name="cancellationToken">Cancelled when the connection closes.</param>
    public ValueTask DispatchAsync(RequestFrame frame, PipeWriter output, string clientHost, CancellationToken cancellationToken) => PlacementOf(frame.Header.ApiKey) switch
    {
        Placement.Inline => HandleAsync(frame, output, clientHost, cancellationToken),
        Placement.InlineAfterFlush => FlushThenHandleAsync(frame, output, clientHost, onThreadPool: false, cancellationToken),
        _ => FlushThenHandleAsync(frame, output, clientHost, onThreadPool: _onIoThread, cancellationToken),
    };

    /// <summary>
    /// What may run on a socket I/O thread. With <see cref="BrokerOptions.InlineIoScheduling"/> a request is handled on
    /// the thread that read it, and one such thread per core serves every connection: whatever blocks there stalls
    /// them all. So there runs only work on memory and the page cache that waits, if at all, asynchronously; a request
    /// that may fsync, create or delete files, or wait for a lock a slow path holds hops to the thread pool first (one
    /// hop, paid only by these rare APIs). Produce stays: under flush=always it awaits the fsync, and a
    /// log whose writer lock is held continues on the pool (<see cref="Storage.PartitionLog.AppendAsLeaderAsync"/>).
    /// The table with the reasons is in docs/server.md, Threads.
    /// </summary>
    private static Placement PlacementOf(ApiKey api) => api switch
    {
        ApiKey.Produce or ApiKey.Fetch or ApiKey.ListOffsets or ApiKey.Metadata or ApiKey.ApiVersions or ApiKey.DescribeConfigs => Placement.Inline,
        ApiKey.ConsumerGroupHeartbeat or ApiKey.OffsetCommit or ApiKey.OffsetFetch or ApiKey.LeaveGroup => Placement.InlineAfterFlush,

        // CreateTopics, DeleteTopics, CreatePartitions, AlterConfigs: the metadata log's fsync, then partition logs
        // created, closed (fsync) or deleted. InitProducerId may write a block of ids to the metadata log;
        // FindCoordinator may create __consumer_offsets. ListGroups and DescribeGroups walk every group, DeleteGroups
        // writes a tombstone for each offset of a group: admin work, off the I/O thread.
        _ => Placement.ThreadPool,
    };

    /// <summary>Flushes the responses before this request, then handles it, on the thread pool if asked. Flushed
    /// before, not once the handler has gone asynchronous: it may then write its response from another thread, and a
    /// PipeWriter takes one writer at a time.</summary>
    private async ValueTask FlushThenHandleAsync(RequestFrame frame, PipeWriter output, string clientHost, bool onThreadPool, CancellationToken cancellationToken)
    {
        await output.FlushAsync(cancellationToken);
        if (onThreadPool)
        {
            await new ThreadPoolHop();
        }

        await HandleAsync(frame, output, clientHost, cancellationToken);
    }

    private ValueTask HandleAsync(RequestFrame frame, PipeWriter output, string clientHost, CancellationToken cancellationToken) => frame.Header.ApiKey switch
    {
        ApiKey.Produce => _produce.HandleAsync(frame, output, cancellationToken),
        ApiKey.Fetch => _fetch.HandleAsync(frame, output, cancellationToken),
        ApiKey.ListOffsets => _fetch.HandleListOffsets(frame, output),
        ApiKey.Metadata => _metadata.HandleMetadata(frame, output),
        ApiKey.ApiVersions => _metadata.HandleApiVersions(frame, output),
        ApiKey.CreateTopics => _admin.HandleCreateTopicsAsync(frame, output, cancellationToken),
        ApiKey.DeleteTopics => _admin.HandleDeleteTopicsAsync(frame, output, cancellationToken),
        ApiKey.CreatePartitions => _admin.HandleCreatePartitionsAsync(frame, output, cancellationToken),
        ApiKey.DescribeConfigs => _configs.HandleDescribe(frame, output),
        ApiKey.AlterConfigs => _configs.HandleAlterAsync(frame, output, cancellationToken),
        ApiKey.FindCoordinator => _groups.HandleFindCoordinatorAsync(frame, output, cancellationToken),
        ApiKey.ConsumerGroupHeartbeat => _groups.HandleHeartbeatAsync(frame, output, clientHost, cancellationToken),
        ApiKey.LeaveGroup => _groups.HandleLeaveGroupAsync(frame, output, cancellationToken),
        ApiKey.OffsetCommit => _groups.HandleOffsetCommitAsync(frame, output, cancellationToken),
        ApiKey.OffsetFetch => _groups.HandleOffsetFetchAsync(frame, output, cancellationToken),
        ApiKey.ListGroups => _groups.HandleListGroupsAsync(frame, output, cancellationToken),
        ApiKey.DescribeGroups => _groups.HandleDescribeGroupsAsync(frame, output, cancellationToken),
        ApiKey.DeleteGroups => _groups.HandleDeleteGroupsAsync(frame, output, cancellationToken),
        ApiKey.InitProducerId => _produce.HandleInitProducerIdAsync(frame, output, cancellationToken),
        _ => throw new InvalidOperationException($"{frame.Header.ApiKey} passed the version check but has no handler."),
    };
}
