using BenchmarkDotNet.Attributes;
using Broker.Client;
using Broker.Client.Admin;
using Broker.Core;
using Broker.Server.Hosting;

namespace Broker.Benchmarks.Groups;

/// <summary>
/// Offset commits through the whole path: a group member's CommitAsync over loopback TCP to an in-process broker,
/// which checks the member's epoch, writes one record per partition to <c>__consumer_offsets</c> as one batch and
/// answers once it is committed. One operation is one OffsetCommit request of <see cref="PartitionsPerCommit"/>
/// partitions, so commits per second = PartitionsPerCommit / mean time. Commits run one at a time (a consumer
/// does not overlap its commits), so this is the latency-bound rate of one member.
/// </summary>
[MemoryDiagnoser]
public class OffsetCommitBenchmarks
{
    private const string Topic = "bench-commits";
    private const int TopicPartitions = 1000;

    private readonly Dictionary<TopicPartition, OffsetAndMetadata> _offsets = [];
    private string _dataDir = "";
    private BrokerHost? _broker;
    private Consumer? _consumer;
    private long _next;

    [Params(1, 100, 1000)]
    public int PartitionsPerCommit { get; set; }

    [GlobalSetup]
    public void SetUp() => SetUpAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void CleanUp() => CleanUpAsync().GetAwaiter().GetResult();

    private async Task SetUpAsync()
    {
        _dataDir = Path.Combine(Path.GetTempPath(), "bench-commits-" + Guid.NewGuid().ToString("N"));
        _broker = await BrokerHost.StartAsync(["--data-dir", _dataDir, "--listen", "127.0.0.1:0", "--http-listen", "", "--Logging:LogLevel:Default=Warning"]);
        var bootstrap = $"127.0.0.1:{_broker.ClientEndPoint.Port}";
        await using (var admin = new AdminClient(new AdminClientOptions { BootstrapServers = bootstrap }))
        {
            await admin.CreateTopicsAsync([new TopicSpecification(Topic, TopicPartitions)]);
        }

        _consumer = new Consumer(new ConsumerOptions { BootstrapServers = bootstrap, GroupId = "bench", EnableAutoCommit = false });
        _consumer.Subscribe([Topic]);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (_consumer.Assignment.Count < TopicPartitions)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The benchmark consumer was not assigned every partition.");
            }

            await _consumer.ConsumeBatchAsync(100, TimeSpan.FromMilliseconds(100));
        }

        for (var p = 0; p < PartitionsPerCommit; p++)
        {
            _offsets[new TopicPartition(Topic, p)] = new OffsetAndMetadata(0);
        }
    }

    [Benchmark]
    public Task Commit()
    {
        var offset = new OffsetAndMetadata(++_next);
        for (var p = 0; p < PartitionsPerCommit; p++)
        {
            _offsets[new TopicPartition(Topic, p)] = offset;
        }

        return _consumer!.CommitAsync(_offsets);
    }

    private async Task CleanUpAsync()
    {
        if (_consumer is not null)
        {
            await _consumer.DisposeAsync();
        }

        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        Directory.Delete(_dataDir, recursive: true);
    }
}
