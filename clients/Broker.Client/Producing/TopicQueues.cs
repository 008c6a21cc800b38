using Broker.Core;

namespace Broker.Client.Producing;

/// <summary>
/// A topic's partition queues and its sticky partition. The queue array only grows (a topic gains partitions, never
/// loses them) and is replaced whole, so appenders read it without a lock.
/// </summary>
internal sealed class TopicQueues(string name)
{
    private readonly Lock _growLock = new();
    private PartitionQueue[] _partitions = [];
    private int _stickyPartition = -1;
    private List<HeldRecord>? _held;
    private Task _heldRelease = Task.CompletedTask;

    public string Name { get; } = name;

    public IReadOnlyList<PartitionQueue> Partitions => Volatile.Read(ref _partitions);

    /// <summary>The partition keyless records go to now; -1 when a new one must be chosen.</summary>
    public int StickyPartition
    {
        get => Volatile.Read(ref _stickyPartition);
        set => Volatile.Write(ref _stickyPartition, value);
    }

    /// <summary>True while records wait for this topic's first metadata: later records must queue behind them.</summary>
    public bool AwaitingMetadata => Volatile.Read(ref _held) is not null;

    /// <summary>Completes once the records held now have been appended or failed (for Flush).</summary>
    public Task HeldRelease
    {
        get
        {
            lock (_growLock)
            {
                return _heldRelease;
            }
        }
    }

    /// <summary>Holds a record until the topic's metadata is known; the first one held starts <paramref name="release"/>.</summary>
    public void HoldForMetadata(HeldRecord record, Func<TopicQueues, Task> release)
    {
        lock (_growLock)
        {
            var first = _held is null;
            _held ??= [];
            _held.Add(record);
            Volatile.Write(ref _held, _held);
            if (first)
            {
                _heldRelease = release(this);
            }
        }
    }

    /// <summary>Hands every held record, in order, to <paramref name="release"/>; records held meanwhile wait until it is done.</summary>
    public void ReleaseHeld(Action<HeldRecord> release)
    {
        lock (_growLock)
        {
            foreach (var record in _held ?? [])
            {
                release(record);
            }

            Volatile.Write(ref _held, null);
        }
    }

    public PartitionQueue For(int partition)
    {
        var partitions = Volatile.Read(ref _partitions);
        if ((uint)partition < (uint)partitions.Length)
        {
            return partitions[partition];
        }

        lock (_growLock)
        {
            partitions = _partitions;
            if (partition >= partitions.Length)
            {
                var grown = new PartitionQueue[partition + 1];
                partitions.CopyTo(grown, 0);
                for (var i = partitions.Length; i < grown.Length; i++)
                {
                    grown[i] = new PartitionQueue(new TopicPartition(Name, i));
                }

                Volatile.Write(ref _partitions, grown);
                partitions = grown;
            }

            return partitions[partition];
        }
    }

    /// <summary>
    /// Moves the sticky partition away from <paramref name="previous"/>, to one picked at random among the others
    /// (Kafka's sticky partitioner: fill one batch, then move on, so keyless records make full batches instead of many
    /// small), and returns the sticky partition now. When another thread has moved it already, that choice stands:
    /// threads that find the same batch full move the partition once, not once each.
    /// </summary>
    public int NextStickyPartition(int partitionCount, int previous)
    {
        var current = StickyPartition;
        while (true)
        {
            if (current != previous && (uint)current < (uint)partitionCount)
            {
                return current;
            }

            var next = partitionCount <= 1 ? 0 : Random.Shared.Next(partitionCount - 1);
            if (partitionCount > 1 && next >= previous && previous >= 0)
            {
                next++;
            }

            var seen = Interlocked.CompareExchange(ref _stickyPartition, next, current);
            if (seen == current)
            {
                // Chosen anew, the partition takes records whatever its last batch was (see PartitionQueue.FilledUp).
                var queue = For(next);
                lock (queue.Lock)
                {
                    queue.FilledUp = false;
                }

                return next;
            }

            current = seen;
        }
    }

    /// <summary>Lets keyless records choose anew, unless the sticky partition has moved on from <paramref name="partition"/> already.</summary>
    public void ReleaseSticky(int partition) => Interlocked.CompareExchange(ref _stickyPartition, -1, partition);
}
