using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Broker.Client;
using Broker.Client.Admin;
using Broker.Core;
using Broker.Protocol.Messages.Produce;

namespace Broker.IntegrationTests;

/// <summary>
/// The observers of a consumer-group run: which member owns which partition (from the rebalance callbacks), every
/// record each member processed, and when; a background producer; a watcher of committed offsets. Each records
/// violations of the group's promises instead of throwing on a background thread; the test asserts them at the end.
/// </summary>
internal sealed class GroupHarness : IAsyncDisposable
{
    private readonly ConcurrentDictionary<TopicPartition, string> _owners = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentDictionary<(int Partition, long Offset), byte> _processed = new();
    private readonly ConcurrentDictionary<int, long> _lastProcessedTicks = new();
    private readonly ConcurrentDictionary<int, long> _acked = new(); // partition -> acknowledged records
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _background = [];

    public GroupHarness(string bootstrap, string topic, string group, int partitions)
    {
        Bootstrap = bootstrap;
        Topic = topic;
        Group = group;
        Partitions = partitions;
    }

    public string Bootstrap { get; set; }

    public string Topic { get; }

    public string Group { get; }

    public int Partitions { get; }

    public IReadOnlyCollection<string> Violations => _violations;

    public long ProcessedDistinct => _processed.Count;

    public long Acknowledged => _acked.Values.Sum();

    /// <summary>The partitions <paramref name="member"/> owns now, by the callbacks.</summary>
    public IReadOnlyList<int> OwnedBy(string member) => [.. _owners.Where(o => o.Value == member).Select(o => o.Key.Partition).Order()];

    public int OwnedCount => _owners.Count;

    /// <summary>When a record of the partition was last processed (Stopwatch ticks); 0 if never.</summary>
    public long LastProcessed(int partition) => _lastProcessedTicks.GetValueOrDefault(partition);

    /// <summary>Produces keyed records at about <paramref name="recordsPerSecond"/> until stopped.</summary>
    public void StartProducing(int recordsPerSecond)
    {
        _background.Add(Task.Run(async () =>
        {
            await using var producer = new Producer(new ProducerOptions
            {
                BootstrapServers = Bootstrap,
                Acks = ProduceAcks.All,
                Linger = TimeSpan.FromMilliseconds(2),
                DeliveryTimeout = TimeSpan.FromSeconds(120),
            });
            var sent = 0L;
            var started = Stopwatch.GetTimestamp();
            while (!_stop.IsCancellationRequested)
            {
                var due = (long)(Stopwatch.GetElapsedTime(started).TotalSeconds * recordsPerSecond);
                for (; sent < due; sent++)
                {
                    producer.Produce(Topic, new Message(Encoding.UTF8.GetBytes($"key-{sent}"), Encoding.UTF8.GetBytes($"value-{sent}")), report =>
                    {
                        if (report.IsSuccess)
                        {
                            _acked.AddOrUpdate(report.Partition, 1, (_, n) => n + 1);
                        }
                        else
                        {
                            _violations.Enqueue($"produce failed: {report.Error} {report.ErrorMessage}");
                        }
                    });
                }

                await Task.Delay(5);
            }

            await producer.FlushAsync();
        }));
    }

    /// <summary>Polls the group's committed offsets and records any that went backwards.</summary>
    public void StartWatchingCommits()
    {
        _background.Add(Task.Run(async () =>
        {
            var last = new Dictionary<TopicPartition, long>();
            await using var admin = new AdminClient(new AdminClientOptions { BootstrapServers = Bootstrap });
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var committed = await admin.ListGroupOffsetsAsync(Group, cancellationToken: _stop.Token);
                    foreach (var (tp, offset) in committed)
                    {
                        if (offset is null)
                        {
                            continue;
                        }

                        if (last.TryGetValue(tp, out var before) && offset.Offset < before)
                        {
                            _violations.Enqueue($"committed offset of {tp} went back from {before} to {offset.Offset}");
                        }

                        last[tp] = offset.Offset;
                    }
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // the broker may be restarting: keep watching
                }

                await Task.Delay(50).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }));
    }

    /// <summary>Stops the producer (after flushing) and the watcher.</summary>
    public async Task StopBackgroundAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_background);
    }

    /// <summary>A group member that consumes on its own task until stopped, reporting to this harness.</summary>
    public Member StartMember(string name, string? instanceId = null) => new(this, name, instanceId);

    /// <summary>A record processed by a member outside this process (a child brokerctl), whose callbacks we do not see.</summary>
    public void ProcessedElsewhere(int partition, long offset)
    {
        _processed.TryAdd((partition, offset), 0);
        _lastProcessedTicks[partition] = Stopwatch.GetTimestamp();
    }

    /// <summary>Per partition, the acknowledged record count: the offsets every record must have been processed at.</summary>
    public IReadOnlyList<string> UnprocessedRecords()
    {
        var missing = new List<string>();
        foreach (var (partition, count) in _acked)
        {
            for (long offset = 0; offset < count; offset++)
            {
                if (!_processed.ContainsKey((partition, offset)))
                {
                    missing.Add($"{partition}@{offset}");
                }
            }
        }

        return missing;
    }

    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting until {what}. Violations: {string.Join("; ", _violations.Take(5))}");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopBackgroundAsync();
        }

        _stop.Dispose();
    }

    private void Assigned(string member, IReadOnlyList<TopicPartition> partitions)
    {
        foreach (var tp in partitions)
        {
            var owner = _owners.GetOrAdd(tp, member);
            if (owner != member)
            {
                _violations.Enqueue($"{tp} assigned to {member} while {owner} still owns it");
            }
        }
    }

    private void Released(string member, IReadOnlyList<TopicPartition> partitions)
    {
        foreach (var tp in partitions)
        {
            _owners.TryRemove(new KeyValuePair<TopicPartition, string>(tp, member));
        }
    }

    private void Processed(string member, ConsumeResult record)
    {
        if (!_owners.TryGetValue(new TopicPartition(record.Topic, record.Partition), out var owner) || owner != member)
        {
            _violations.Enqueue($"{member} processed {record.Partition}@{record.Offset} without owning the partition (owner: {owner ?? "none"})");
        }

        _processed.TryAdd((record.Partition, record.Offset), 0);
        _lastProcessedTicks[record.Partition] = Stopwatch.GetTimestamp();
    }

    internal sealed class Member : IConsumerRebalanceListener, IAsyncDisposable
    {
        private readonly GroupHarness _harness;
        private readonly Consumer _consumer;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public Member(GroupHarness harness, string name, string? instanceId)
        {
            _harness = harness;
            Name = name;
            _consumer = new Consumer(new ConsumerOptions
            {
                BootstrapServers = harness.Bootstrap,
                GroupId = harness.Group,
                GroupInstanceId = instanceId,
                AutoOffsetReset = AutoOffsetReset.Earliest,
                AutoCommitInterval = TimeSpan.FromMilliseconds(200),
                ClientId = name,
            });
            _consumer.Subscribe([harness.Topic], this);
            _loop = Task.Run(RunAsync);
        }

        public string Name { get; }

        public IReadOnlyList<int> Owned => _harness.OwnedBy(Name);

        /// <summary>Stops consuming and closes the consumer: commit, revoke, leave.</summary>
        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await _consumer.DisposeAsync();
            _stop.Dispose();
        }

        public ValueTask OnPartitionsAssignedAsync(IReadOnlyList<TopicPartition> partitions)
        {
            _harness.Assigned(Name, partitions);
            return ValueTask.CompletedTask;
        }

        public ValueTask OnPartitionsRevokedAsync(IReadOnlyList<TopicPartition> partitions)
        {
            _harness.Released(Name, partitions);
            return ValueTask.CompletedTask;
        }

        public ValueTask OnPartitionsLostAsync(IReadOnlyList<TopicPartition> partitions)
        {
            _harness.Released(Name, partitions);
            return ValueTask.CompletedTask;
        }

        private async Task RunAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    foreach (var record in await _consumer.ConsumeBatchAsync(2_000, TimeSpan.FromMilliseconds(100), _stop.Token))
                    {
                        _harness.Processed(Name, record);
                    }
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _harness._violations.Enqueue($"{Name}: {e.GetType().Name}: {e.Message}");
                    await Task.Delay(100);
                }
            }
        }
    }
}
