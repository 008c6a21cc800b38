using Broker.Core;

namespace Broker.Client.Tests.Support;

/// <summary>A rebalance listener that records each call, and whether it ran inside a consume call of the test's.</summary>
internal sealed class RecordingListener : IConsumerRebalanceListener
{
    private readonly Lock _lock = new();
    private readonly List<(string Kind, TopicPartition[] Partitions, bool InsideConsume)> _calls = [];

    /// <summary>Set by the test around its consume calls (and disposal), to check where callbacks run.</summary>
    public bool InsideConsume { get; set; }

    /// <summary>Runs inside each callback, after it is recorded (to look at the cluster at that moment).</summary>
    public Action<string, IReadOnlyList<TopicPartition>>? During { get; set; }

    public IReadOnlyList<(string Kind, TopicPartition[] Partitions, bool InsideConsume)> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    public int Count(string kind) => Calls.Count(c => c.Kind == kind);

    public ValueTask OnPartitionsAssignedAsync(IReadOnlyList<TopicPartition> partitions) => Record("assigned", partitions);

    public ValueTask OnPartitionsRevokedAsync(IReadOnlyList<TopicPartition> partitions) => Record("revoked", partitions);

    public ValueTask OnPartitionsLostAsync(IReadOnlyList<TopicPartition> partitions) => Record("lost", partitions);

    private ValueTask Record(string kind, IReadOnlyList<TopicPartition> partitions)
    {
        lock (_lock)
        {
            _calls.Add((kind, [.. partitions], InsideConsume));
        }

        During?.Invoke(kind, partitions);
        return ValueTask.CompletedTask;
    }
}
