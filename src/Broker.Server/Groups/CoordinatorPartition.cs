using Broker.Core;
using Broker.Core.Buffers;
using Broker.Core.Errors;
using Broker.Core.Records;
using Broker.Server.Replication;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Groups;

/// <summary>
/// The coordinator of the groups in one partition of <c>__consumer_offsets</c> that this broker leads: a
/// <see cref="GroupCoordinatorShard"/>, loaded from the partition, and the one lane through which operations reach it.
/// <para>Operations run one at a time (Kafka's coordinator runtime does the same per partition). A write appends the
/// records the operation produced as one batch, acks=all, and returns only once the batch is committed, so no
/// client is told of a state a crash could take back. Reads take the same lane, so they never see a write that is
/// not committed yet.</para>
/// <para>Lifecycle: Loading (replaying the partition; requests get COORDINATOR_LOAD_IN_PROGRESS), Active, Closed
/// (leadership moved or the broker stops; requests get NOT_COORDINATOR). If an append fails, the shard's state is
/// ahead of its log: the shard is dropped and loaded again from the log.</para>
/// </summary>
internal sealed class CoordinatorPartition : IDisposable
{
    private const int LoadChunkBytes = 1 << 20;

    private readonly SemaphoreSlim _lane = new(1, 1);
    private readonly GroupCoordinatorOptions _options;
    private readonly IGroupTopicMetadata _topics;
    private readonly ReplicaManager _replicas;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly RecordBatchBuilder _batch = new();
    private readonly PooledBufferWriter _key = new(256);
    private readonly PooledBufferWriter _value = new(1024);
    private GroupCoordinatorShard? _shard;
    private volatile Status _status = Status.Loading;

    public CoordinatorPartition(
        TopicPartition partition, int leaderEpoch, GroupCoordinatorOptions options, IGroupTopicMetadata topics, ReplicaManager replicas,
        TimeProvider time, ILogger logger, CancellationToken stopping)
    {
        Partition = partition;
        LeaderEpoch = leaderEpoch;
        _options = options;
        _topics = topics;
        _replicas = replicas;
        _time = time;
        _logger = logger;
        _stopping = stopping;
    }

    private enum Status
    {
        Loading,
        Active,
        Closed,
    }

    public TopicPartition Partition { get; }

    /// <summary>The leader epoch this coordinator was started for: a new epoch means a new coordinator.</summary>
    public int LeaderEpoch { get; }

    public bool IsActive => _status == Status.Active;

    /// <summary>Replays the partition into a fresh shard, in the background.</summary>
    public void StartLoading() => _ = Task.Run(LoadAsync);

    /// <summary>
    /// Runs an operation that may write: its records are appended as one batch and committed before its answer
    /// returns. Throws <see cref="BrokerException"/> with NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS or
    /// COORDINATOR_NOT_AVAILABLE when this coordinator cannot serve it.
    /// </summary>
    public async ValueTask<T> WriteAsync<T>(Func<GroupCoordinatorShard, long, GroupOperationResult<T>> operation, CancellationToken cancellationToken)
    {
        RequireActive();
        await _lane.WaitAsync(cancellationToken);
        var reload = false;
        try
        {
            var shard = RequireActive();
            GroupOperationResult<T> result;
            AppendOutcome outcome;
            try
            {
                result = operation(shard, NowMs());
                if (result.Records.Count == 0)
                {
                    return result.Response;
                }

                // Not the request's token: once the shard applied the records, the append must finish or the shard reload.
                outcome = await AppendAsync(result.Records);
            }
            catch (Exception e)
            {
                // The shard may hold part of an operation that never reached the log.
                reload = true;
                _logger.LogError(e, "A group operation on {Partition} failed; reloading its groups from the log", Partition);
                throw new BrokerException(ErrorCode.CoordinatorNotAvailable, $"The coordinator of {Partition} failed: {e.Message}");
            }

            if (outcome.Error != ErrorCode.None)
            {
                reload = true;
                _logger.LogWarning("Appending to {Partition} failed ({Error}: {Message}); reloading its groups from the log", Partition, ErrorCodes.Name(outcome.Error), outcome.Message);
                throw new BrokerException(ErrorCode.CoordinatorNotAvailable, $"The coordinator could not write to {Partition}: {outcome.Message}");
            }

            return result.Response;
        }
        finally
        {
            if (reload && _status == Status.Active)
            {
                _shard = null;
                _status = Status.Loading;
                StartLoading();
            }

            _lane.Release();
        }
    }

    /// <summary>Runs a read-only operation in the lane, after every earlier write has committed.</summary>
    public async ValueTask<T> ReadAsync<T>(Func<GroupCoordinatorShard, T> read, CancellationToken cancellationToken)
    {
        RequireActive();
        await _lane.WaitAsync(cancellationToken);
        try
        {
            return read(RequireActive());
        }
        finally
        {
            _lane.Release();
        }
    }

    /// <summary>Stops serving: later requests get NOT_COORDINATOR. The state is dropped; the log keeps it.</summary>
    public void Close()
    {
        _status = Status.Closed;
        _shard = null;
    }

    /// <summary>Closes, then frees the buffers once no operation uses them (an append may be in flight: the lane
    /// is taken in the background, so the controller's thread that calls this never waits).</summary>
    public void Dispose()
    {
        Close();
        _ = Task.Run(async () =>
        {
            await _lane.WaitAsync(CancellationToken.None);
            _batch.Dispose();
            _key.Dispose();
            _value.Dispose();
            _lane.Release(); // operations still queued find the partition closed and touch no buffer
        });
    }

    private GroupCoordinatorShard RequireActive() => _status switch
    {
        Status.Active when _shard is { } shard => shard,
        Status.Loading => throw new BrokerException(ErrorCode.CoordinatorLoadInProgress, $"The coordinator is loading the groups of {Partition}."),
        _ => throw new BrokerException(ErrorCode.NotCoordinator, $"This broker no longer coordinates the groups of {Partition}."),
    };

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private ValueTask<AppendOutcome> AppendAsync(IReadOnlyList<GroupRecord> records)
    {
        var now = NowMs();
        _batch.Reset();
        foreach (var record in records)
        {
            _key.Clear();
            _value.Clear();
            GroupRecordCodec.WriteKey(record.Key, _key);
            if (record.Value is { } value)
            {
                GroupRecordCodec.WriteValue(value, _value);
            }

            _batch.Append(now, _key.WrittenSpan, keyIsNull: false, _value.WrittenSpan, valueIsNull: record.IsTombstone);
        }

        return _replicas.AppendAsync(Partition, _batch.Seal(), acks: -1, _stopping);
    }

    private async Task LoadAsync()
    {
        try
        {
            await _lane.WaitAsync(_stopping);
        }
        catch (OperationCanceledException)
        {
            return; // stopping
        }

        try
        {
            if (_status != Status.Loading)
            {
                return;
            }

            var started = _time.GetTimestamp();
            var shard = new GroupCoordinatorShard(_options, _topics, new Random());
            var records = Replay(shard);
            shard.ResumeAfterLoad(NowMs());
            if (_status == Status.Loading)
            {
                _shard = shard;
                _status = Status.Active;
                _logger.LogInformation("Coordinating {Groups} group(s) of {Partition} ({Records} records replayed in {Ms:F0} ms)",
                    shard.ListGroups().Count, Partition, records, _time.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (_status == Status.Loading)
            {
                // Not leader any more (the image change closes us), or a damaged log: retry, loudly, until closed.
                _logger.LogError(e, "Loading the groups of {Partition} failed; retrying in 1 s", Partition);
                _ = RetryLoadAsync();
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
        finally
        {
            _lane.Release();
        }
    }

    private async Task RetryLoadAsync()
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), _time, _stopping);
            StartLoading();
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>Applies every record from the log start up to the high watermark; returns how many.</summary>
    private int Replay(GroupCoordinatorShard shard)
    {
        var start = _replicas.ListOffset(Partition, -2);
        if (start.Error != ErrorCode.None)
        {
            throw new BrokerException(start.Error, start.Message ?? $"Cannot read {Partition}.");
        }

        using var reader = new RecordBatchReader();
        var buffer = new byte[LoadChunkBytes];
        var offset = start.Offset;
        var count = 0;
        while (true)
        {
            var read = _replicas.Read(Partition, offset, LoadChunkBytes);
            if (read.Error != ErrorCode.None)
            {
                throw new BrokerException(read.Error, read.Message ?? $"Cannot read {Partition}.");
            }

            if (read.Records.IsEmpty)
            {
                return count;
            }

            if (buffer.Length < read.Records.Length)
            {
                buffer = new byte[read.Records.Length];
            }

            read.Records.CopyTo(buffer);
            foreach (var batch in new RecordBatchEnumerator(buffer.AsSpan(0, read.Records.Length)))
            {
                foreach (var record in reader.Read(batch))
                {
                    shard.Replay(record.Key, record.Value, record.ValueIsNull);
                    count++;
                }
            }

            offset = read.Records.NextOffset;
        }
    }
}
