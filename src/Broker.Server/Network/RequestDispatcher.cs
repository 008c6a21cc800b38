using System.IO.Pipelines;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Server.Handlers;

namespace Broker.Server.Network;

/// <summary>Routes a checked request frame to the handler of its API. Handlers read the body, call the broker's
/// services and write the response frame into <c>output</c>; the connection flushes.</summary>
internal sealed class RequestDispatcher
{
    private readonly ProduceHandler _produce;
    private readonly FetchHandler _fetch;
    private readonly MetadataHandler _metadata;
    private readonly AdminHandler _admin;
    private readonly ConfigHandler _configs;
    private readonly GroupHandler _groups;

    public RequestDispatcher(ProduceHandler produce, FetchHandler fetch, MetadataHandler metadata, AdminHandler admin, ConfigHandler configs, GroupHandler groups)
    {
        _groups = groups;
        _produce = produce;
        _fetch = fetch;
        _metadata = metadata;
        _admin = admin;
        _configs = configs;
    }

    /// <param name="frame">The request.</param>
    /// <param name="output">Where the response goes.</param>
    /// <param name="clientHost">The client's address, which DescribeGroups shows for each member.</param>
    /// <param name="cancellationToken">Cancelled when the connection closes.</param>
    public ValueTask DispatchAsync(RequestFrame frame, PipeWriter output, string clientHost, CancellationToken cancellationToken) => frame.Header.ApiKey switch
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
