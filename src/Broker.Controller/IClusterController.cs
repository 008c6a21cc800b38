using Broker.Controller.Metadata;

namespace Broker.Controller;

/// <summary>
/// The one writer of cluster metadata. Validates admin operations against the current <see cref="Image"/>, writes the
/// resulting records to the metadata log and publishes the new image. Implemented locally now (one node, its own
/// metadata log) and over Raft later; callers see the same contract. Every operation answers per item, and an item
/// that fails changes nothing.
/// </summary>
public interface IClusterController
{
    /// <summary>The latest committed image. Readers take it once and use it for a whole request.</summary>
    MetadataImage Image { get; }

    /// <summary>Raised after each committed change with the previous and the new image, on the writer's thread,
    /// in commit order. Handlers must not block.</summary>
    event Action<MetadataImage, MetadataImage>? ImageChanged;

    /// <summary>Registers a broker at the address clients should use, and lets it lead partitions.</summary>
    ValueTask RegisterBrokerAsync(int nodeId, string host, int port, string? rack, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<ControllerOutcome>> CreateTopicsAsync(IReadOnlyList<NewTopic> topics, bool validateOnly, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates one of the broker's own topics (named with <see cref="ControllerLimits.InternalTopicPrefix"/>, which
    /// CreateTopics refuses), such as <c>__consumer_offsets</c>. Clients can neither delete nor repartition them.
    /// </summary>
    ValueTask<ControllerOutcome> CreateInternalTopicAsync(NewTopic topic, CancellationToken cancellationToken = default);

    /// <summary>Deletes topics; internal topics are refused (INVALID_TOPIC_EXCEPTION).</summary>
    ValueTask<IReadOnlyList<ControllerOutcome>> DeleteTopicsAsync(IReadOnlyList<string> names, CancellationToken cancellationToken = default);

    /// <summary>Grows each named topic to <c>TotalCount</c> partitions; shrinking is refused (INVALID_PARTITIONS), and so are internal topics, whose partition count decides where their keys live.</summary>
    ValueTask<IReadOnlyList<ControllerOutcome>> CreatePartitionsAsync(IReadOnlyList<(string Topic, int TotalCount)> topics, bool validateOnly, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<ControllerOutcome>> AlterConfigsAsync(IReadOnlyList<(ConfigResource Resource, IReadOnlyList<ConfigChange> Changes)> resources, bool validateOnly, CancellationToken cancellationToken = default);

    /// <summary>Gives broker <paramref name="brokerId"/> the next block of producer ids, recorded in the metadata log
    /// before it returns, so no id is ever given out twice (restarts included).</summary>
    ValueTask<ProducerIdBlock> AllocateProducerIdsAsync(int brokerId, CancellationToken cancellationToken = default);
}
