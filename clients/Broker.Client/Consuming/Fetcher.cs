using System.Diagnostics;
using System.Threading.Channels;
using Broker.Client.Groups;
using Broker.Client.Internal;
using Broker.Client.Metadata;
using Broker.Client.Network;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Core.Threading;
using Broker.Protocol.Messages.Fetch;

namespace Broker.Client.Consuming;

/// <summary>
/// The consumer's background loop. Per broker it keeps one Fetch in flight while the application works through the
/// previous response (fetch-ahead), and at most <see cref="FetchAheadResponsesMax"/> responses from a broker are held
/// at once, which bounds buffered memory to about that many times <see cref="ConsumerOptions.FetchMaxBytes"/> per
/// broker. Partitions without a position are looked up first: the group's committed offset
/// (<see cref="CommittedOffsetLoader"/>), then ListOffsets for the reset (<see cref="OffsetResetter"/>).
/// </summary>
internal sealed class Fetcher
{
    /// <summary>One response being consumed plus one in flight or waiting: "one fetch ahead".</summary>
    private const int FetchAheadResponsesMax = 2;

    private readonly ConsumerOptions _options;
    private readonly SubscriptionState _subscription;
    private readonly MetadataManager _metadata;
    private readonly ConnectionPool _pool;
    private readonly TimeProvider _time;
    private readonly OffsetResetter _resetter;
    private readonly CommittedOffsetLoader? _committedLoader;
    private readonly AsyncSignal _wake = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<CompletedFetch> _completed = Channel.CreateUnbounded<CompletedFetch>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = true });

    // Set once per response that queued something, outside the subscription lock, and when stopping, for the
    // blocking consume methods (ArrivalSignal).
    private readonly WakeSignal _arrived = new();
    private int _rotation;
    private Task _loop = Task.CompletedTask;

    /// <param name="committedOffsets">Where new partitions' committed offsets are read; null for a consumer without a group id.</param>
    public Fetcher(
        ConsumerOptions options, SubscriptionState subscription, MetadataManager metadata, ConnectionPool pool, TimeProvider time,
        CommittedOffsetSource? committedOffsets = null)
    {
        _options = options;
        _subscription = subscription;
        _metadata = metadata;
        _pool = pool;
        _time = time;
        _resetter = new OffsetResetter(options, subscription, metadata, pool, this);
        _committedLoader = committedOffsets is null ? null : new CommittedOffsetLoader(subscription, committedOffsets, this);
    }

    public ChannelReader<CompletedFetch> Completed => _completed.Reader;

    /// <summary>
    /// Set after a response queued completed fetches (once, see <see cref="FetchAsync"/>), when an error is queued, and
    /// when the fetcher stops: a thread blocked in a consume method waits
    /// on it and is woken by the reader directly, where an awaiting consumer's continuation would go through the
    /// thread pool. The waiter resets it, then checks <see cref="Completed"/>, then waits.
    /// </summary>
    public WakeSignal ArrivalSignal => _arrived;

    public CancellationToken Stopping => _stop.Token;

    public void Start() => _loop = Task.Run(RunAsync);

    public void Wake() => _wake.Set();

    /// <summary>
    /// The application finished (or dropped) a completed fetch: its frame goes back and its broker may be fetched
    /// again. That matters only when the broker had the most responses buffered (<see cref="FetchAheadResponsesMax"/>),
    /// which held its next fetch back: that fetch is then sent from here, on the application's thread, as Kafka's
    /// consumer sends fetches from <c>poll</c>. Otherwise the next fetch is already in flight (sent from the reader when
    /// this response arrived), and waking the loop would cost a thread hop per response for nothing.
    /// </summary>
    public void Done(CompletedFetch fetch)
    {
        fetch.Release();
        bool heldBack;
        lock (_subscription.Lock)
        {
            heldBack = _subscription.BufferedFrom(fetch.Node) >= FetchAheadResponsesMax;
            _subscription.AddBuffered(fetch.Node, -1);
        }

        if (heldBack && !_stop.IsCancellationRequested && RunPass(new FetchPass()))
        {
            Wake();
        }
    }

    /// <summary>Hands the application an error for a partition; call with the subscription lock held.</summary>
    public void PublishErrorLocked(PartitionFetchState state, BrokerEndpoint node, BrokerException error)
    {
        QueueErrorLocked(state, node, error);
        _arrived.Set();
    }

    /// <summary>Keeps a partition from being fetched for the retry backoff; call with the subscription lock held.</summary>
    /// <summary>Backs off every target of a failed offset lookup (reset or committed offsets) before it is retried.</summary>
    public void BackOff(IEnumerable<FetchTarget> targets)
    {
        lock (_subscription.Lock)
        {
            foreach (var target in targets)
            {
                BackOffLocked(target.State);
            }
        }
    }

    /// <summary>Ends an offset lookup of <paramref name="targets"/>, whatever its outcome, and wakes the fetch loop.</summary>
    public void EndLookup(IEnumerable<FetchTarget> targets)
    {
        lock (_subscription.Lock)
        {
            foreach (var target in targets)
            {
                target.State.Resetting = false;
            }
        }

        Wake();
    }

    public void BackOffLocked(PartitionFetchState state) =>
        state.BackoffUntil = _time.GetTimestamp() + (long)(_options.RetryBackoff.TotalSeconds * _time.TimestampFrequency);

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Wake();
        await _loop.ConfigureAwait(false);
        _completed.Writer.TryComplete();
        _arrived.Set();
        while (_completed.Reader.TryRead(out var fetch))
        {
            fetch.Release();
        }
    }

    /// <summary>Queues an error for the application without waking a blocked consumer (the response path wakes it
    /// once, after its lock: see <see cref="FetchAsync"/>).</summary>
    private void QueueErrorLocked(PartitionFetchState state, BrokerEndpoint node, BrokerException error)
    {
        BackOffLocked(state);
        _subscription.AddBuffered(node, 1);
        _completed.Writer.TryWrite(new CompletedFetch(state.Partition, state.Epoch, node, null, default, error));
    }

    private async Task RunAsync()
    {
        var pass = new FetchPass();
        while (!_stop.IsCancellationRequested)
        {
            var waiting = RunPass(pass);
            await _wake.WaitAsync(waiting ? _options.RetryBackoff : _options.FetcherIdleWakeInterval, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Plans and starts what can start now: fetches, offset resets, committed-offset loads. Safe to run on
    /// several threads at once (the plan is made under the subscription lock). Returns true when some partition waits
    /// on a backoff or an unknown leader.</summary>
    private bool RunPass(FetchPass pass)
    {
        pass.Clear();
        var waiting = Plan(pass.Fetches, pass.Resets, pass.Committed);
        if (pass.Committed.Count > 0)
        {
            _ = _committedLoader!.LoadAsync([.. pass.Committed], _stop.Token);
        }

        foreach (var (node, targets) in pass.Resets)
        {
            _ = _resetter.ResetAsync(node, [.. targets], _stop.Token);
        }

        foreach (var (node, targets) in pass.Fetches)
        {
            _ = FetchAsync(node, [.. targets]);
        }

        if (_metadata.NeedsRefresh)
        {
            _metadata.RefreshInBackground();
        }

        return waiting;
    }

    /// <summary>Chooses this pass's requests. Returns true when some partition waits on a backoff or an unknown leader.</summary>
    private bool Plan(Dictionary<BrokerEndpoint, List<FetchTarget>> fetches, Dictionary<BrokerEndpoint, List<FetchTarget>> resets, List<FetchTarget> committed)
    {
        var waiting = false;
        var now = _time.GetTimestamp();
        var snapshot = _metadata.Current;
        lock (_subscription.Lock)
        {
            foreach (var state in _subscription.All)
            {
                if (state.BackoffUntil > now || state.Resetting || state.FetchInFlight || state.Revoking)
                {
                    waiting |= state.BackoffUntil > now;
                    continue;
                }

                if (state.NeedsCommittedOffset)
                {
                    // Read from the group's coordinator, so no leader is needed yet.
                    Debug.Assert(_committedLoader is not null, "Only a consumer with a group id starts partitions from committed offsets.");
                    state.Resetting = true;
                    committed.Add(new FetchTarget(state, state.Epoch, PartitionFetchState.Unknown));
                    continue;
                }

                var leader = snapshot.LeaderOf(state.Partition);
                if (leader is not { } node)
                {
                    _metadata.AddTopic(state.Partition.Topic);
                    _metadata.RequestRefresh();
                    waiting = true;
                    continue;
                }

                PlanPartition(state, node, fetches, resets);
            }

            foreach (var (node, targets) in fetches)
            {
                _subscription.SetFetching(node, true);
                foreach (var target in targets)
                {
                    target.State.FetchInFlight = true;
                }

                Rotate(targets);
            }
        }

        return waiting;
    }

    private void PlanPartition(PartitionFetchState state, BrokerEndpoint node, Dictionary<BrokerEndpoint, List<FetchTarget>> fetches, Dictionary<BrokerEndpoint, List<FetchTarget>> resets)
    {
        if (state.PendingReset is { } reset)
        {
            if (reset == AutoOffsetReset.None)
            {
                state.PendingReset = null;
                PublishErrorLocked(state, node, new BrokerException(ErrorCode.OffsetOutOfRange,
                    $"{state.Partition} has no valid position and AutoOffsetReset is None: call Seek."));
                return;
            }

            state.Resetting = true;
            Add(resets, node, new FetchTarget(state, state.Epoch, PartitionFetchState.Unknown, reset));
            return;
        }

        if (state.FetchPosition < 0 || _subscription.IsFetching(node) || _subscription.BufferedFrom(node) >= FetchAheadResponsesMax)
        {
            return;
        }

        Add(fetches, node, new FetchTarget(state, state.Epoch, state.FetchPosition));
    }

    private static void Add(Dictionary<BrokerEndpoint, List<FetchTarget>> requests, BrokerEndpoint node, FetchTarget target)
    {
        if (!requests.TryGetValue(node, out var list))
        {
            requests[node] = list = [];
        }

        list.Add(target);
    }

    /// <summary>Starts each request at a different partition, so the response byte limit cannot starve the last ones.</summary>
    private void Rotate(List<FetchTarget> targets)
    {
        var shift = (int)((uint)Interlocked.Increment(ref _rotation) % (uint)targets.Count);
        if (shift > 0)
        {
            var head = targets.GetRange(0, shift);
            targets.RemoveRange(0, shift);
            targets.AddRange(head);
        }
    }

    /// <summary>
    /// Sends one fetch and takes its response apart on the connection's reader, which then sends the next fetch and
    /// only then wakes a consumer blocked in <see cref="ArrivalSignal"/>, once per response. Waking it from inside the
    /// subscription lock, as each partition's data is queued, made a convoy: the woken consumer preempts the reader
    /// on its CPU, needs the lock the reader holds, sleeps, and is woken again when the reader lets go, several
    /// context switches per response.
    /// </summary>
    private async Task FetchAsync(BrokerEndpoint node, FetchTarget[] targets)
    {
        var queued = false;
        try
        {
            var request = BuildRequest(targets);
            var connection = await _pool.GetAsync(node, _stop.Token).ConfigureAwait(false);
            // Inline: the response is taken apart on the connection's reader, and the next fetch sent from there.
            var (frame, version) = await connection.SendAsync(request, expectsResponse: true, _options.FetchMaxWait, _stop.Token, completeInline: true).ConfigureAwait(false);
            var shared = new SharedFrame(frame);
            try
            {
                var response = frame.ReadBody<FetchResponse>(version);
                foreach (var target in targets)
                {
                    queued |= HandlePartition(target, node, response, shared);
                }
            }
            finally
            {
                shared.Release();
            }
        }
        catch (Exception e) when (e is BrokerException or OperationCanceledException or ObjectDisposedException)
        {
            _metadata.RequestRefresh();
            lock (_subscription.Lock)
            {
                foreach (var target in targets)
                {
                    BackOffLocked(target.State);
                }
            }
        }
        finally
        {
            lock (_subscription.Lock)
            {
                _subscription.SetFetching(node, false);
                foreach (var target in targets)
                {
                    target.State.FetchInFlight = false;
                }
            }

            try
            {
                if (!_stop.IsCancellationRequested)
                {
                    // The next fetch goes out from here rather than after waking the loop: one thread hop less per
                    // fetch. A partition left waiting (a failed fetch backs off) is the loop's: woken, it sleeps the
                    // backoff.
                    if (RunPass(new FetchPass()))
                    {
                        Wake();
                    }
                }
            }
            finally
            {
                if (queued)
                {
                    _arrived.Set();
                }
            }
        }
    }

    private FetchRequest BuildRequest(FetchTarget[] targets)
    {
        var topics = targets
            .GroupBy(t => t.State.Partition.Topic, StringComparer.Ordinal)
            .Select(g => new FetchRequestTopic
            {
                Name = g.Key,
                Partitions = [.. g.Select(t => new FetchRequestPartition
                {
                    PartitionIndex = t.State.Partition.Partition,
                    CurrentLeaderEpoch = Broker.Protocol.ProtocolSentinels.NoLeaderEpoch,
                    FetchOffset = t.Offset,
                    LogStartOffset = Broker.Protocol.ProtocolSentinels.NoOffset,
                    PartitionMaxBytes = _options.MaxPartitionFetchBytes,
                })],
            });
        return new FetchRequest
        {
            MaxWaitMs = (int)_options.FetchMaxWait.TotalMilliseconds,
            MinBytes = _options.FetchMinBytes,
            MaxBytes = _options.FetchMaxBytes,
            IsolationLevel = _options.IsolationLevel,
            Topics = [.. topics],
        };
    }

    /// <summary>Takes in one partition of a response; true when it queued data or an error for the application.</summary>
    private bool HandlePartition(FetchTarget target, BrokerEndpoint node, FetchResponse response, SharedFrame shared)
    {
        var partition = FindPartition(response, target.State.Partition);
        var error = partition?.ErrorCode ?? (response.ErrorCode != ErrorCode.None ? response.ErrorCode : ErrorCode.UnknownServerError);
        var scanned = error == ErrorCode.None
            ? FetchedBatches.Scan(partition!.Value.Records.Memory.Span, _options.CheckCrcs, target.Offset)
            : default;
        lock (_subscription.Lock)
        {
            var state = _subscription.Find(target.State.Partition);
            if (state != target.State || state.Epoch != target.Epoch)
            {
                return false; // sought or unassigned meanwhile: this data is no longer wanted
            }

            return error == ErrorCode.None
                ? Accept(state, node, partition!.Value, scanned, shared)
                : Reject(state, node, error);
        }
    }

    private bool Accept(PartitionFetchState state, BrokerEndpoint node, FetchResponsePartition partition, FetchedBatches scanned, SharedFrame shared)
    {
        state.HighWatermark = partition.HighWatermark;
        var queued = false;
        if (scanned.CompleteBytes > 0)
        {
            state.FetchPosition = scanned.NextOffset;
            _subscription.AddBuffered(node, 1);
            var records = partition.Records.Memory[..scanned.CompleteBytes];
            _completed.Writer.TryWrite(new CompletedFetch(state.Partition, state.Epoch, node, shared.AddReference(), records, null));
            queued = true;
        }

        if (scanned.Error is not null)
        {
            QueueErrorLocked(state, node, scanned.Error);
            queued = true;
        }

        return queued;
    }

    private bool Reject(PartitionFetchState state, BrokerEndpoint node, ErrorCode error)
    {
        if (error == ErrorCode.OffsetOutOfRange && _subscription.DefaultReset != AutoOffsetReset.None)
        {
            state.PendingReset = _subscription.DefaultReset;
            return false;
        }

        if (ErrorCodes.IsRetriable(error))
        {
            if (ClientErrors.NeedsMetadataRefresh(error))
            {
                _metadata.RequestRefresh();
            }

            BackOffLocked(state);
            return false;
        }

        QueueErrorLocked(state, node, ClientErrors.Describe(error, null, $"Fetching {state.Partition} at offset {state.FetchPosition}"));
        return true;
    }

    private static FetchResponsePartition? FindPartition(FetchResponse response, TopicPartition partition)
    {
        foreach (var topic in response.Topics)
        {
            if (!string.Equals(topic.Name, partition.Topic, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var candidate in topic.Partitions)
            {
                if (candidate.PartitionIndex == partition.Partition)
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>One pass's plan; the loop reuses its own, an inline pass after a fetch makes one.</summary>
    private sealed class FetchPass
    {
        public Dictionary<BrokerEndpoint, List<FetchTarget>> Fetches { get; } = [];

        public Dictionary<BrokerEndpoint, List<FetchTarget>> Resets { get; } = [];

        public List<FetchTarget> Committed { get; } = [];

        public void Clear()
        {
            Fetches.Clear();
            Resets.Clear();
            Committed.Clear();
        }
    }
}
