using System.Net;
using Broker.Controller;
using Broker.Controller.Configs;
using Broker.Server.Groups;
using Broker.Server.Producers;
using Broker.Server.Replication;
using Broker.Server.Telemetry;
using Broker.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broker.Server.Hosting;

/// <summary>
/// The broker's state for the life of the process: the log manager, the metadata log and controller, the replica
/// manager. Started before the listeners accept requests and stopped after they have drained (the host stops
/// services in reverse order), so the last thing a clean shutdown does is write the checkpoints and the
/// clean-shutdown marker. Requests wait on <see cref="Ready"/>: the broker registers itself only once its listener
/// is bound and its advertised port is known.
/// </summary>
public sealed class BrokerRuntime : IHostedService, IDisposable
{
    private readonly BrokerOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private MetadataLog? _metadataLog;
    private LocalController? _controller;

    public BrokerRuntime(IOptions<BrokerOptions> options, ILoggerFactory loggers, BrokerMetrics metrics, TimeProvider time)
    {
        _options = options.Value;
        _loggers = loggers;
        _logger = loggers.CreateLogger<BrokerRuntime>();
        Metrics = metrics;
        Time = time;
    }

    public BrokerOptions Options => _options;

    public BrokerMetrics Metrics { get; }

    public TimeProvider Time { get; }

    public Task Ready => _ready.Task;

    public LogManager Logs => _logs ?? throw NotStarted();

    public IClusterController Controller => _controller ?? throw NotStarted();

    public ReplicaManager Replicas => _replicas ?? throw NotStarted();

    /// <summary>The group coordinator: the groups whose <c>__consumer_offsets</c> partitions this broker leads.</summary>
    public GroupCoordinator Groups => _groups ?? throw NotStarted();
    /// <summary>Producer ids for InitProducerId, in blocks from the controller.</summary>
    public ProducerIdManager ProducerIds => _producerIds ?? throw NotStarted();

    /// <summary>The client endpoint this node advertises, once registered.</summary>
    public (string Host, int Port) Advertised { get; private set; }

    private LogManager? _logs;
    private int _stopped;
    private LogConfig? _topicDefaults;
    private ReplicaManager? _replicas;
    private GroupCoordinator? _groups;
    private ProducerIdManager? _producerIds;

    /// <summary>The broker-wide topic config defaults (Kafka's, with <see cref="BrokerOptions.TopicDefaults"/> applied).</summary>
    public LogConfig TopicDefaults => _topicDefaults ?? throw NotStarted();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var defaults = _topicDefaults = TopicConfigs.Apply(LogConfig.Default with { ProducerIdExpirationMs = _options.ProducerIdExpirationMs, WritebackBytes = _options.WritebackBytes, PageCacheWindowBytes = _options.PageCacheWindowBytes }, _options.TopicDefaults);
        _logs = LogManager.Open(_options.DataDir, _options.NodeId, defaults, Time);
        _logger.LogInformation("Opened {DataDir} (cluster {ClusterId}, node {NodeId}, {Partitions} partition(s), clean shutdown: {Clean})",
            Path.GetFullPath(_options.DataDir), _logs.ClusterId, _logs.NodeId, _logs.Logs.Count, _logs.HadCleanShutdown);
        _logs.MaintenanceFailed += (tp, e) => _logger.LogError(e, "Maintenance of {Partition} failed", tp);
        if (defaults.MinInsyncReplicas > _options.DefaultReplicationFactor)
        {
            // As in Kafka, a broker-wide value also holds for __consumer_offsets, whose commits are written with acks=all.
            _logger.LogWarning(
                "TopicDefaults min.insync.replicas={MinInsync} is above DefaultReplicationFactor={ReplicationFactor}: acks=all produces and consumer-group offset commits to topics without their own min.insync.replicas will be refused with NOT_ENOUGH_REPLICAS",
                defaults.MinInsyncReplicas, _options.DefaultReplicationFactor);
        }

        _metadataLog = new MetadataLog(_logs.GetOrCreateLog(MetadataLog.Partition, MetadataLog.Config), Time);
        _controller = LocalController.Open(_metadataLog, new ControllerDefaults(_options.DefaultPartitions, _options.DefaultReplicationFactor, defaults));
        _replicas = new ReplicaManager(_logs, _controller, defaults, _options.NodeId, _loggers.CreateLogger<ReplicaManager>());
        _replicas.Start();
        var groups = _options.Groups;
        _groups = new GroupCoordinator(
            _controller, _replicas, groups.ToCoordinatorOptions(), groups.OffsetsTopicReplicationFactor, groups.OffsetsTopicSegmentBytes,
            TimeSpan.FromMilliseconds(groups.SessionCheckIntervalMs), _options.NodeId, Time, _loggers);
        _groups.Start();
        _producerIds = new ProducerIdManager(_controller, _options.NodeId);
        _logs.StartBackgroundTasks(TimeSpan.FromMilliseconds(_options.MaintenanceIntervalMs));
        RegisterGauges();
        return Task.CompletedTask;
    }

    /// <summary>Registers this node with the controller at its bound client endpoint and opens the gate.</summary>
    public async Task RegisterAsync(IPEndPoint bound, IPEndPoint? http)
    {
        try
        {
            var host = _options.AdvertisedHost ?? (bound.Address.Equals(IPAddress.Any) || bound.Address.Equals(IPAddress.IPv6Any) ? Dns.GetHostName() : bound.Address.ToString());
            Advertised = (host, bound.Port);
            await Controller.RegisterBrokerAsync(_options.NodeId, host, bound.Port, _options.Rack);
            _logger.LogInformation("Broker {NodeId} serving clients on {Bound} (advertised as {Host}:{Port}); health and metrics on {Http}",
                _options.NodeId, bound, host, bound.Port, http is null ? "(off)" : $"http://{http}");
            _ready.TrySetResult();
        }
        catch (Exception e)
        {
            _ready.TrySetException(e);
            throw;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _ready.TrySetCanceled(CancellationToken.None);
        if (_logs is null || Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        if (_groups is not null)
        {
            await _groups.DisposeAsync(); // its last writes are committed; it writes nothing after this
        }

        _logs.Close();
        _logger.LogInformation("Closed {DataDir} cleanly", _options.DataDir);
    }

    public void Dispose()
    {
        _metadataLog?.Dispose();
        _controller?.Dispose();
        _producerIds?.Dispose();
        _logs?.Dispose();
    }

    private void RegisterGauges()
    {
        Metrics.ObserveGauge("broker.partitions", "{partition}", "Partitions hosted by this broker.", () => [new(_replicas?.PartitionCount ?? 0)]);
        Metrics.ObserveGauge("broker.log.end.offset", "{offset}", "Log end offset per partition.", () => (_replicas?.Offsets ?? []).Select(p =>
            new System.Diagnostics.Metrics.Measurement<long>(p.LogEndOffset, new KeyValuePair<string, object?>("topic", p.Partition.Topic), new KeyValuePair<string, object?>("partition", p.Partition.Partition))));
    }

    private static InvalidOperationException NotStarted() => new("The broker runtime has not started.");
}
