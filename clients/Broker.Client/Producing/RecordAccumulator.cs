using System.Collections.Concurrent;
using Broker.Client.Metadata;
using Broker.Core;
using Broker.Core.Errors;

namespace Broker.Client.Producing;

/// <summary>
/// The producer's buffer: records appended into per-partition batches by application threads, drained by the
/// sender into produce requests. A batch becomes sendable when full (the next record does not fit
/// <see cref="ProducerOptions.BatchSize"/>), when it has lingered <see cref="ProducerOptions.Linger"/>, or when a
/// flush or close asks for everything.
/// </summary>
/// <remarks>
/// Appends lock only their partition's queue, for the few hundred nanoseconds of encoding a record; the sender takes
/// the same locks briefly while draining. Batch objects (with their builders and arrays) are pooled.
/// </remarks>
internal sealed class RecordAccumulator : IDisposable
{
    private readonly ConcurrentDictionary<string, TopicQueues> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ProducerBatch> _free = new();
    private readonly ProducerOptions _options;
    private readonly BufferMemory _memory;
    private readonly TimeProvider _time;
    private readonly int _freeBatchesMax;

    public RecordAccumulator(ProducerOptions options, BufferMemory memory, TimeProvider time)
    {
        _options = options;
        _memory = memory;
        _time = time;
        // Idle batches kept for reuse hold at most the buffer's worth of builders.
        _freeBatchesMax = (int)Math.Clamp(options.BufferMemory / options.BatchSize, 1, 4096);
    }

    public TopicQueues Topic(string topic) => _topics.GetOrAdd(topic, static name => new TopicQueues(name));

    /// <summary>Appends a record whose memory is already reserved.</summary>
    /// <param name="abortOnNewBatch">For a keyless record on the sticky partition: when the partition's batch is full
    /// (this record does not fit, or another one sealed it just now), append nothing and report
    /// <see cref="AppendResult.Aborted"/>, so the record starts the next sticky partition's batch instead of leaving a
    /// batch of one behind (as Kafka's abortOnNewBatch, KIP-480). A batch a flush took does not count: records after
    /// a flush stay on their partition.</param>
    public AppendResult Append(PartitionQueue queue, Message message, long timestampMs, object? completion, long reservedBytes, bool abortOnNewBatch = false)
    {
        var result = AppendResult.None;
        lock (queue.Lock)
        {
            var open = queue.Open;
            if (open is not null && open.Builder.SizeBytes + open.MeasureRecord(timestampMs, message) > _options.BatchSize)
            {
                open.Seal();
                queue.Sealed.Enqueue(open);
                queue.Open = open = null;
                queue.FilledUp = true;
                result |= AppendResult.SealedFull;
            }

            if (open is null)
            {
                if (abortOnNewBatch && queue.FilledUp)
                {
                    return result | AppendResult.Aborted;
                }

                open = Rent();
                open.Open(queue.Partition, _time.GetTimestamp());
                queue.Open = open;
                queue.FilledUp = false;
                result |= AppendResult.BatchOpened;
            }

            open.Append(message, timestampMs, completion, reservedBytes);
        }

        return result;
    }

    /// <summary>
    /// Takes every sendable batch whose leader is known into <paramref name="pass"/>, one request per partition whose
    /// in-flight window has room, and adds the requests to their partitions' windows (numbering their batches when the
    /// producer has an <paramref name="identity"/>). With <paramref name="sendable"/> false (an idempotent producer
    /// still without its id) only expired batches are taken.
    /// </summary>
    public void Drain(ClusterSnapshot metadata, bool everything, DrainPass pass, ProducerIdentity? identity = null, bool sendable = true)
    {
        pass.Clear();
        var now = _time.GetTimestamp();
        foreach (var topic in _topics.Values)
        {
            foreach (var queue in topic.Partitions)
            {
                if (DrainPartition(queue, metadata, everything, now, pass, identity, sendable))
                {
                    // The sticky partition's batch is on its way: keyless records move to another partition.
                    topic.ReleaseSticky(queue.Partition.Partition);
                }
            }
        }
    }

    /// <summary>Releases a completed batch's memory and keeps the batch for reuse.</summary>
    public void Return(ProducerBatch batch)
    {
        _memory.Release(batch.ReservedBytes);
        batch.Recycle();
        if (_free.Count < _freeBatchesMax)
        {
            _free.Enqueue(batch);
        }
        else
        {
            batch.Dispose();
        }
    }

    /// <summary>Records of topics still waiting for their first metadata, for Flush to wait on first.</summary>
    public List<Task> HeldReleases() => [.. _topics.Values.Select(t => t.HeldRelease)];

    /// <summary>Everything buffered or in flight now, for Flush to wait on.</summary>
    public List<Task> Incomplete()
    {
        var tasks = new List<Task>();
        foreach (var topic in _topics.Values)
        {
            foreach (var queue in topic.Partitions)
            {
                lock (queue.Lock)
                {
                    if (queue.Open is not null)
                    {
                        tasks.Add(queue.Open.WhenDone());
                    }

                    tasks.AddRange(queue.Sealed.Select(b => b.WhenDone()));
                    tasks.AddRange(queue.InFlight.Requests.SelectMany(r => r.Batches).Select(b => b.WhenDone()));
                    tasks.AddRange(queue.Settled.SelectMany(r => r.Batches).Select(b => b.WhenDone()));
                }
            }
        }

        return tasks;
    }

    public bool IsEmpty => _topics.Values.All(t => t.Partitions.All(q => { lock (q.Lock) { return q.IsEmpty; } }));

    /// <summary>Fails every batch not in flight (the producer is closing).</summary>
    public void FailQueued(ErrorCode error, string message)
    {
        foreach (var topic in _topics.Values)
        {
            foreach (var queue in topic.Partitions)
            {
                var failed = new List<ProducerBatch>();
                lock (queue.Lock)
                {
                    failed.AddRange(queue.Sealed);
                    queue.Sealed.Clear();
                    if (queue.Open is not null)
                    {
                        failed.Add(queue.Open);
                        queue.Open = null;
                    }
                }

                foreach (var batch in failed)
                {
                    batch.Complete(-1, -1, error, message);
                    Return(batch);
                }
            }
        }
    }

    public void Dispose()
    {
        while (_free.TryDequeue(out var batch))
        {
            batch.Dispose();
        }
    }

    /// <returns>True when an open batch whose linger had ended was sealed and taken.</returns>
    private bool DrainPartition(PartitionQueue queue, ClusterSnapshot metadata, bool everything, long now, DrainPass pass, ProducerIdentity? identity, bool sendable)
    {
        lock (queue.Lock)
        {
            if (!queue.InFlight.CanSend(_options.MaxInFlightRequestsPerPartition))
            {
                queue.WaitingToSend |= queue.Open is not null || queue.Sealed.Count > 0;
                return false;
            }

            ExpireLocked(queue, now, pass);
            if (!sendable)
            {
                return false;
            }

            var open = queue.Open;
            var lingered = open is not null && _time.GetElapsedTime(open.CreatedTimestamp, now) >= _options.Linger;
            var openDue = open is not null && (everything || lingered);
            if (queue.Sealed.Count == 0 && !openDue)
            {
                if (open is not null)
                {
                    pass.Due(_options.Linger - _time.GetElapsedTime(open.CreatedTimestamp, now));
                }

                return false;
            }

            var leader = metadata.LeaderOf(queue.Partition);
            if (leader is not { } endpoint)
            {
                pass.UnknownLeader = true;
                return false;
            }

            pass.RequestBytes.TryGetValue(endpoint, out var requestBytes);
            if (openDue)
            {
                // Behind sealed batches too: with Linger 0 the record that fills a batch opens the next one, and that
                // batch must go with it. Left open, it waited until it filled up as well, and so did every later one.
                open!.Seal();
                queue.Sealed.Enqueue(open);
                queue.Open = null;
            }

            var taken = TakeLocked(queue, requestBytes);
            if (taken is null)
            {
                pass.Due(TimeSpan.Zero); // the request to this leader is full: the next pass sends another
                return false;
            }

            queue.InFlight.Send(taken, identity);
            if (queue.Sealed.Count > 0 && queue.InFlight.CanSend(_options.MaxInFlightRequestsPerPartition))
            {
                pass.Due(TimeSpan.Zero); // more is ready and the window has room: the next pass sends another request
            }
            else if (queue.Sealed.Count > 0)
            {
                queue.WaitingToSend = true; // the window is full: an answer wakes the sender
            }
            else if (queue.Open is { } lingering)
            {
                pass.Due(_options.Linger - _time.GetElapsedTime(lingering.CreatedTimestamp, now)); // its linger ends later
            }

            pass.RequestBytes[endpoint] = requestBytes + taken.Bytes;
            if (!pass.ByLeader.TryGetValue(endpoint, out var list))
            {
                pass.ByLeader[endpoint] = list = [];
            }

            list.Add(taken);
            return lingered; // not when a flush took it: records appended meanwhile stay on their partition
        }
    }

    /// <summary>The oldest sealed batches that fit the request (at least one when the request is empty); null when none fits.</summary>
    private DrainedPartition? TakeLocked(PartitionQueue queue, int requestBytes)
    {
        var budget = _options.MaxRequestBytes - requestBytes;
        if (requestBytes > 0 && queue.Sealed.Peek().Bytes.Length > budget)
        {
            return null;
        }

        var batches = new List<ProducerBatch>();
        var bytes = 0;
        while (queue.Sealed.TryPeek(out var next) && (batches.Count == 0 || bytes + next.Bytes.Length <= budget))
        {
            batches.Add(queue.Sealed.Dequeue());
            bytes += next.Bytes.Length;
        }

        return new DrainedPartition(queue, [.. batches], bytes);
    }

    /// <summary>Removes batches whose delivery timeout passed while they waited (no leader, broker unreachable).</summary>
    private void ExpireLocked(PartitionQueue queue, long now, DrainPass pass)
    {
        while (queue.Sealed.TryPeek(out var oldest) && _time.GetElapsedTime(oldest.CreatedTimestamp, now) >= _options.DeliveryTimeout)
        {
            pass.Expired.Add(queue.Sealed.Dequeue());
        }

        if (queue.Sealed.Count == 0 && queue.Open is { } open && _time.GetElapsedTime(open.CreatedTimestamp, now) >= _options.DeliveryTimeout)
        {
            pass.Expired.Add(open);
            queue.Open = null;
        }
    }

    private ProducerBatch Rent() =>
        _free.TryDequeue(out var batch) ? batch : new ProducerBatch(_options.Compression, _options.BatchSize);
}

/// <summary>What <see cref="RecordAccumulator.Append"/> did; the sender must be woken for the first two.</summary>
[Flags]
internal enum AppendResult
{
    None = 0,

    /// <summary>The partition's open batch was full: it was sealed and is ready to send.</summary>
    SealedFull = 1,

    /// <summary>The record opened a new batch. The sender must learn of it even while it lingers: a sender with nothing
    /// due sleeps until woken, and only it turns the linger into a deadline.</summary>
    BatchOpened = 2,

    /// <summary>The record was not appended: it would have opened a new batch and the caller asked to abort then.</summary>
    Aborted = 4,
}
