using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Broker.Client.Consuming;
using Broker.Client.Groups;
using Broker.Client.Metadata;
using Broker.Client.Network;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Core.Records;

namespace Broker.Client;

/// <summary>
/// Reads records from assigned partitions. A background fetcher keeps one Fetch in flight per broker while the
/// application consumes the previous response (fetch-ahead); the consume methods hand out its records in offset
/// order per partition.
/// </summary>
/// <remarks>
/// Not thread-safe, like Kafka's consumer: one thread (or one async flow) calls Assign or Subscribe, Seek, the commit
/// methods and the consume methods. Positions are the next offset the application will get. Partitions come from
/// <see cref="Assign"/> or, with <see cref="ConsumerOptions.GroupId"/>, from the group (<see cref="Subscribe"/>);
/// the group part lives in Consumer.Groups.cs.
/// </remarks>
public sealed partial class Consumer : IAsyncDisposable
{
    private readonly ConnectionPool _pool;

    /// <summary>
    /// Connections for the group's requests (heartbeats, commits, committed offsets), apart from the fetch
    /// connections: a broker answers one connection's requests in order, so a commit sent behind a long-polling fetch
    /// would wait out the fetch's max wait. Kafka's consumer keeps its coordinator connection apart for the same reason.
    /// </summary>
    private readonly ConnectionPool? _groupPool;
    private readonly MetadataManager _metadata;
    private readonly SubscriptionState _subscription;
    private readonly Fetcher _fetcher;
    private readonly RecordBatchReader _reader = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TimeProvider _time;
    private readonly Queue<ConsumeResult> _decoded = new();
    private readonly ConsumerOptions _options;
    private readonly ConsumerGroup? _group;
    private bool _assignedByApplication;
    private CompletedFetch? _current;
    private long _decodedBatchEnd;
    private int _disposed;

    public Consumer(ConsumerOptions options)
        : this(options, TimeProvider.System)
    {
    }

    internal Consumer(ConsumerOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = time;
        _pool = new ConnectionPool(options.ToConnectionSettings());
        _metadata = new MetadataManager(options, _pool, time, _lifetime.Token);
        _subscription = new SubscriptionState(options.AutoOffsetReset, startFromCommitted: options.GroupId is not null);
        if (options.GroupId is not null)
        {
            _groupPool = new ConnectionPool(options.ToConnectionSettings());
            var coordinators = new GroupCoordinatorLocator(options, _metadata, _groupPool, time);
            // The fetcher is created next (it reads committed offsets through the group); the group wakes it only later.
            _group = new ConsumerGroup(options, _subscription, _metadata, coordinators, time, () => _fetcher!.Wake());
        }

        _fetcher = new Fetcher(options, _subscription, _metadata, _pool, time, _group?.CommittedOffsets);
        _fetcher.Start();
    }

    /// <summary>Fetch responses buffered (queued, or the one being consumed); for tests.</summary>
    internal int BufferedResponses
    {
        get
        {
            lock (_subscription.Lock)
            {
                return _subscription.BufferedTotal;
            }
        }
    }

    /// <summary>The partitions assigned now (by <see cref="Assign"/>, or owned in the group).</summary>
    public IReadOnlyList<TopicPartition> Assignment => _subscription.Assignment();

    /// <summary>
    /// Reads exactly these partitions from now on. Partitions already assigned keep their positions; new ones start
    /// from the group's committed offset when <see cref="ConsumerOptions.GroupId"/> is set, else (or without one)
    /// where <see cref="ConsumerOptions.AutoOffsetReset"/> says, unless <see cref="Seek"/> is called.
    /// </summary>
    /// <exception cref="InvalidOperationException">The consumer is subscribed: Assign and Subscribe are exclusive.</exception>
    public void Assign(IEnumerable<TopicPartition> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        if (_group?.IsSubscribed == true)
        {
            throw new InvalidOperationException("This consumer is subscribed to a group; Assign and Subscribe are exclusive. Call UnsubscribeAsync first.");
        }

        var list = partitions.ToList();
        foreach (var partition in list)
        {
            TopicPartition.ValidateTopicName(partition.Topic);
            ArgumentOutOfRangeException.ThrowIfNegative(partition.Partition);
            _metadata.AddTopic(partition.Topic);
        }

        _subscription.Assign(list);
        _assignedByApplication = list.Count > 0;
        _fetcher.Wake();
    }

    public void Unassign() => Assign([]);

    /// <summary>The next record consumed from <paramref name="partition"/> will be the one at <paramref name="offset"/> (or the first after it).</summary>
    /// <exception cref="InvalidOperationException">The partition is not assigned.</exception>
    public void Seek(TopicPartition partition, long offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        lock (_subscription.Lock)
        {
            _subscription.Get(partition).SeekTo(offset);
        }

        _fetcher.Wake();
    }

    /// <summary>Moves to the first record still in the log (looked up with ListOffsets).</summary>
    public void SeekToBeginning(IEnumerable<TopicPartition> partitions) => SeekToReset(partitions, AutoOffsetReset.Earliest);

    /// <summary>Moves to the end of the log: only records produced after the lookup are consumed.</summary>
    public void SeekToEnd(IEnumerable<TopicPartition> partitions) => SeekToReset(partitions, AutoOffsetReset.Latest);

    /// <summary>The offset of the next record the application will get; null while it is still being looked up.</summary>
    public long? Position(TopicPartition partition)
    {
        lock (_subscription.Lock)
        {
            var position = _subscription.Get(partition).Position;
            return position >= 0 ? position : null;
        }
    }

    /// <summary>The partition's high watermark as of the last fetch (for lag); null before the first fetch.</summary>
    public long? HighWatermark(TopicPartition partition)
    {
        lock (_subscription.Lock)
        {
            var watermark = _subscription.Get(partition).HighWatermark;
            return watermark >= 0 ? watermark : null;
        }
    }

    /// <summary>The next record, or null when none arrives within <paramref name="timeout"/>.</summary>
    /// <exception cref="BrokerException">A partition failed in a way the consumer cannot resolve itself:
    /// OFFSET_OUT_OF_RANGE with AutoOffsetReset None, a corrupt batch, a non-retriable fetch error.</exception>
    public async ValueTask<ConsumeResult?> ConsumeAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var started = _time.GetTimestamp();
        while (true)
        {
            if (_group is { NeedsAttention: true } group)
            {
                await group.AttendAsync(cancellationToken).ConfigureAwait(false);
            }

            if (TryNextRecord(out var result))
            {
                return result;
            }

            if (!await WaitForFetchAsync(RemainingOf(timeout, started), cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    /// <summary>The next record, waiting as long as it takes (or until cancelled).</summary>
    public async ValueTask<ConsumeResult> ConsumeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await ConsumeAsync(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            if (result is not null)
            {
                return result;
            }
        }
    }

    /// <summary>Up to <paramref name="maxRecords"/> records: what is buffered now, or waits up to <paramref name="timeout"/> for the first.</summary>
    public async ValueTask<IReadOnlyList<ConsumeResult>> ConsumeBatchAsync(int maxRecords, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRecords);
        var results = new List<ConsumeResult>();
        var first = await ConsumeAsync(timeout, cancellationToken).ConfigureAwait(false);
        if (first is null)
        {
            return results;
        }

        results.Add(first);
        while (results.Count < maxRecords && TryNextRecord(out var next))
        {
            results.Add(next);
        }

        return results;
    }

    /// <summary>
    /// The zero-copy path: waits up to <paramref name="timeout"/> for fetched records, then calls
    /// <paramref name="visitor"/> for each record of one partition's fetched chunk (views into the fetch buffer).
    /// Returns how many records were visited; 0 when none arrived in time.
    /// </summary>
    public async ValueTask<int> ConsumeBatchAsync(RecordVisitor visitor, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var started = _time.GetTimestamp();
        while (true)
        {
            if (_group is { NeedsAttention: true } group)
            {
                await group.AttendAsync(cancellationToken).ConfigureAwait(false);
            }

            if (TryTakeCurrent())
            {
                var visited = VisitCurrent(visitor);
                if (visited > 0)
                {
                    return visited;
                }

                continue;
            }

            if (!await WaitForFetchAsync(RemainingOf(timeout, started), cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }
        }
    }

    /// <summary>
    /// The blocking form of <see cref="ConsumeAsync(TimeSpan, CancellationToken)"/>, for an application thread given to
    /// consuming (as Kafka's <c>poll</c> blocks): the next record, or null when none arrives within
    /// <paramref name="timeout"/>. The fetcher wakes the blocked thread itself when a response arrives, where an
    /// awaiting caller resumes through the thread pool: one thread hop less per fetch response, which on a small machine
    /// is a measurable share of the latency (bench/RESULTS.md). A group's rebalance work runs on the calling thread,
    /// which waits for it: call these from a thread without a synchronization context (not a UI thread).
    /// </summary>
    /// <exception cref="BrokerException">As <see cref="ConsumeAsync(TimeSpan, CancellationToken)"/>.</exception>
    public ConsumeResult? Consume(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var started = _time.GetTimestamp();
        while (true)
        {
            AttendBlocking(cancellationToken);
            if (TryNextRecord(out var result))
            {
                return result;
            }

            if (!WaitForFetch(RemainingOf(timeout, started), cancellationToken))
            {
                return null;
            }
        }
    }

    /// <summary>The blocking form of <see cref="ConsumeBatchAsync(RecordVisitor, TimeSpan, CancellationToken)"/> (see
    /// <see cref="Consume(TimeSpan, CancellationToken)"/>): visits one partition's fetched chunk; 0 when none arrived
    /// in time.</summary>
    public int ConsumeBatch(RecordVisitor visitor, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var started = _time.GetTimestamp();
        while (true)
        {
            AttendBlocking(cancellationToken);
            if (TryTakeCurrent())
            {
                var visited = VisitCurrent(visitor);
                if (visited > 0)
                {
                    return visited;
                }

                continue;
            }

            if (!WaitForFetch(RemainingOf(timeout, started), cancellationToken))
            {
                return 0;
            }
        }
    }

    /// <summary>Every record from now on, as an async stream that ends only when <paramref name="cancellationToken"/> is cancelled.</summary>
    public async IAsyncEnumerable<ConsumeResult> ConsumeAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            yield return await ConsumeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // The group goes first: committing and leaving need the connections and the positions.
        var listenerError = _group is null ? null : await _group.CloseAsync().ConfigureAwait(false);
        await _fetcher.StopAsync().ConfigureAwait(false);
        _current?.Release();
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _pool.DisposeAsync().ConfigureAwait(false);
        if (_groupPool is not null)
        {
            await _groupPool.DisposeAsync().ConfigureAwait(false);
        }

        _reader.Dispose();
        _lifetime.Dispose();
        _fetcher.ArrivalSignal.Dispose();
        if (listenerError is not null)
        {
            ExceptionDispatchInfo.Throw(listenerError);
        }
    }

    private void SeekToReset(IEnumerable<TopicPartition> partitions, AutoOffsetReset reset)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        lock (_subscription.Lock)
        {
            foreach (var partition in partitions)
            {
                var state = _subscription.Get(partition);
                state.SeekTo(PartitionFetchState.Unknown);
                state.PendingReset = reset;
            }
        }

        _fetcher.Wake();
    }

    /// <summary>The group's work for the application's thread (see <see cref="ConsumerGroup.AttendAsync"/>), waited for.</summary>
    private void AttendBlocking(CancellationToken cancellationToken)
    {
        if (_group is { NeedsAttention: true } group)
        {
            group.AttendAsync(cancellationToken).AsTask().GetAwaiter().GetResult();
        }
    }

    private TimeSpan RemainingOf(TimeSpan timeout, long started) =>
        timeout == Timeout.InfiniteTimeSpan ? timeout : timeout - _time.GetElapsedTime(started);

    private async ValueTask<bool> WaitForFetchAsync(TimeSpan remaining, CancellationToken cancellationToken)
    {
        if (remaining != Timeout.InfiniteTimeSpan && remaining <= TimeSpan.Zero)
        {
            return false;
        }

        using var wait = LinkWait(remaining, cancellationToken);
        try
        {
            var open = await _fetcher.Completed.WaitToReadAsync(wait.Token).ConfigureAwait(false);
            ObjectDisposedException.ThrowIf(!open, this);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_lifetime.IsCancellationRequested)
        {
            return _group?.NeedsAttention == true;
        }
    }

    /// <summary>As <see cref="WaitForFetchAsync"/>, blocking the calling thread, which the fetcher then wakes itself.</summary>
    private bool WaitForFetch(TimeSpan remaining, CancellationToken cancellationToken)
    {
        if (remaining != Timeout.InfiniteTimeSpan && remaining <= TimeSpan.Zero)
        {
            return false;
        }

        using var wait = LinkWait(remaining, cancellationToken);
        var arrived = _fetcher.ArrivalSignal;
        try
        {
            while (true)
            {
                arrived.Reset(); // then look: a fetch published after this point sets it again
                if (_fetcher.Completed.TryPeek(out _))
                {
                    return true;
                }

                ObjectDisposedException.ThrowIf(_fetcher.Completed.Completion.IsCompleted, this);
                arrived.Wait(wait.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_lifetime.IsCancellationRequested)
        {
            return _group?.NeedsAttention == true;
        }
    }

    /// <summary>A wait that ends after <paramref name="remaining"/>, on the caller's cancellation, on disposal, and, for a
    /// group member, when the group needs the application's thread (a new assignment to reconcile).</summary>
    private CancellationTokenSource LinkWait(TimeSpan remaining, CancellationToken cancellationToken)
    {
        var wait = _group is null
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token)
            : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token, _group.AttentionToken);
        wait.CancelAfter(remaining);
        return wait;
    }

    private bool TryNextRecord(out ConsumeResult result)
    {
        while (true)
        {
            if (TryTakeDecoded(out result))
            {
                return true;
            }

            if (!TryTakeCurrent())
            {
                return false;
            }

            if (!DecodeNextBatch())
            {
                FinishCurrent();
            }
        }
    }

    private bool TryTakeDecoded(out ConsumeResult result)
    {
        while (_decoded.TryDequeue(out result!))
        {
            lock (_subscription.Lock)
            {
                var state = _subscription.Find(result.TopicPartition);
                if (state is null || state.Epoch != _current!.Epoch)
                {
                    _decoded.Clear();
                    return false;
                }

                if (result.Offset < state.Position)
                {
                    continue;
                }

                state.Position = _decoded.Count == 0 ? Math.Max(result.Offset + 1, _decodedBatchEnd) : result.Offset + 1;
                return true;
            }
        }

        return false;
    }

    /// <summary>Makes the next buffered fetch current; raises its error if it carries one that still applies.</summary>
    private bool TryTakeCurrent()
    {
        while (_current is null)
        {
            if (!_fetcher.Completed.TryRead(out var fetch))
            {
                return false;
            }

            if (fetch.Error is null)
            {
                _current = fetch;
                break;
            }

            _fetcher.Done(fetch);
            lock (_subscription.Lock)
            {
                if (_subscription.Find(fetch.Partition)?.Epoch == fetch.Epoch)
                {
                    throw fetch.Error;
                }
            }
        }

        return true;
    }

    private bool DecodeNextBatch()
    {
        var fetch = _current!;
        long position;
        lock (_subscription.Lock)
        {
            var state = _subscription.Find(fetch.Partition);
            if (state is null || state.Epoch != fetch.Epoch)
            {
                return false;
            }

            position = state.Position;
        }

        while (BatchCursor.DecodeNext(fetch, _reader, position, _decoded, out var batchEnd))
        {
            _decodedBatchEnd = batchEnd;
            if (_decoded.Count > 0)
            {
                return true;
            }
        }

        return false;
    }

    private int VisitCurrent(RecordVisitor visitor)
    {
        var fetch = _current!;
        if (_decoded.Count > 0)
        {
            _decoded.Clear();
            fetch.Cursor = fetch.LastBatchStart; // records below the position are skipped again
        }

        long position;
        lock (_subscription.Lock)
        {
            var state = _subscription.Find(fetch.Partition);
            if (state is null || state.Epoch != fetch.Epoch)
            {
                FinishCurrent();
                return 0;
            }

            position = state.Position;
        }

        try
        {
            return BatchCursor.VisitRemaining(fetch, _reader, visitor, ref position);
        }
        finally
        {
            lock (_subscription.Lock)
            {
                var state = _subscription.Find(fetch.Partition);
                if (state is not null && state.Epoch == fetch.Epoch)
                {
                    state.Position = position;
                }
            }

            if (!fetch.HasMoreBatches)
            {
                FinishCurrent();
            }
        }
    }

    private void FinishCurrent()
    {
        var fetch = _current;
        _current = null;
        _decoded.Clear();
        if (fetch is not null)
        {
            _fetcher.Done(fetch);
        }
    }
}
