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

    public RequestDispatcher(ProduceHandler produce, FetchHandler fetch, MetadataHandler metadata, AdminHandler admin, ConfigHandler configs)
    {
        _produce = produce;
        _fetch = fetch;
        _metadata = metadata;
        _admin = admin;
        _configs = configs;
    }

    public ValueTask DispatchAsync(RequestFrame frame, PipeWriter output, CancellationToken cancellationToken) => frame.Header.ApiKey switch
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
        ApiKey.InitProducerId => _produce.HandleInitProducerIdAsync(frame, output, cancellationToken),
        _ => throw new InvalidOperationException($"{frame.Header.ApiKey} passed the version check but has no handler."),
    };
}
