using System.IO.Pipelines;
using Broker.Controller;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;
using Broker.Protocol.Messages.CreatePartitions;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.DeleteTopics;
using Broker.Server.Hosting;

namespace Broker.Server.Handlers;

/// <summary>CreateTopics, DeleteTopics, CreatePartitions: adapters over the <see cref="IClusterController"/>, which
/// validates and answers per topic.</summary>
internal sealed class AdminHandler
{
    private readonly BrokerRuntime _runtime;

    public AdminHandler(BrokerRuntime runtime) => _runtime = runtime;

    public async ValueTask HandleCreateTopicsAsync(RequestFrame frame, PipeWriter output, CancellationToken cancellationToken)
    {
        var request = frame.ReadBody<CreateTopicsRequest>();
        var topics = request.Topics.Select(t => new NewTopic(
            t.Name, t.NumPartitions, t.ReplicationFactor, ConfigsOf(t.Configs))).ToArray();
        var outcomes = await _runtime.Controller.CreateTopicsAsync(topics, request.ValidateOnly, cancellationToken);
        var image = _runtime.Controller.Image;
        var response = new CreateTopicsResponse
        {
            Topics = [.. outcomes.Select((o, i) => new CreateTopicsResponseTopic
            {
                Name = o.Name,
                ErrorCode = o.Error,
                ErrorMessage = o.Message,
                NumPartitions = image.Topics.TryGetValue(o.Name, out var t) && !request.ValidateOnly ? t.Partitions.Length : topics[i].Partitions,
                ReplicationFactor = image.Topics.TryGetValue(o.Name, out var r) && !request.ValidateOnly ? (short)r.Partitions[0].Replicas.Length : topics[i].ReplicationFactor,
            })],
        };
        FrameWriter.WriteResponse(output, frame.Header.CorrelationId, frame.Header.ApiVersion, response);
    }

    public async ValueTask HandleDeleteTopicsAsync(RequestFrame frame, PipeWriter output, CancellationToken cancellationToken)
    {
        var request = frame.ReadBody<DeleteTopicsRequest>();
        var outcomes = await _runtime.Controller.DeleteTopicsAsync(request.TopicNames, cancellationToken);
        var response = new DeleteTopicsResponse { Topics = [.. outcomes.Select(o => new TopicResult(o.Name, o.Error, o.Message))] };
        FrameWriter.WriteResponse(output, frame.Header.CorrelationId, frame.Header.ApiVersion, response);
    }

    public async ValueTask HandleCreatePartitionsAsync(RequestFrame frame, PipeWriter output, CancellationToken cancellationToken)
    {
        var request = frame.ReadBody<CreatePartitionsRequest>();
        var outcomes = await _runtime.Controller.CreatePartitionsAsync([.. request.Topics.Select(t => (t.Name, t.Count))], request.ValidateOnly, cancellationToken);
        var response = new CreatePartitionsResponse { Topics = [.. outcomes.Select(o => new TopicResult(o.Name, o.Error, o.Message))] };
        FrameWriter.WriteResponse(output, frame.Header.CorrelationId, frame.Header.ApiVersion, response);
    }

    /// <summary>The configs of a new topic; a key given twice takes its last value (ToDictionary would throw).</summary>
    private static Dictionary<string, string> ConfigsOf(IReadOnlyList<ConfigEntry> entries)
    {
        var configs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            configs[entry.Name] = entry.Value ?? string.Empty;
        }

        return configs;
    }
}
