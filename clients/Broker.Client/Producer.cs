using System.Text;
using Broker.Client.Admin;
using Broker.Client.Metadata;
using Broker.Client.Network;
using Broker.Client.Producing;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Core.Records;

namespace Broker.Client;

/// <summary>
/// Publishes records to topics. Records are batched per partition (<see cref="ProducerOptions.BatchSize"/>,
/// <see cref="ProducerOptions.Linger"/>), optionally compressed, and sent by a background sender that pipelines
/// requests to each partition leader. Thread-safe: any number of threads may produce at once.
/// </summary>
/// <remarks>
/// <para>Idempotent by default (<see cref="ProducerOptions.EnableIdempotence"/>): batches carry a producer id and
/// sequence numbers, so the broker stores a retried batch once and in order, with up to
/// <see cref="ProducerOptions.MaxInFlightRequestsPerPartition"/> requests per partition in flight. Without idempotence
/// delivery is at least once, and retries may reorder a partition's records unless one request is in flight at a
/// time (see docs/client.md).</para>
/// <para><see cref="Produce"/> allocates nothing per record beyond the caller's own message and callback: the record is
/// encoded into the partition's pooled batch and the callback kept in the batch's pooled array.</para>
/// </remarks>
public sealed class Producer : IAsyncDisposable
{
    // Worst-case record framing: length, attributes, timestamp delta, offset delta, key/value lengths, header count.
    private const int RecordOverheadBytesMax = 5 + 1 + 10 + 5 + 5 + 5 + 5;
    private const int RequestOverheadBytes = 128;

    private readonly ProducerOptions _options;
    private readonly TimeProvider _time;
    private readonly ConnectionPool _pool;
    private readonly MetadataManager _metadata;
    private readonly BufferMemory _memory;
    private readonly RecordAccumulator _accumulator;
    private readonly ProducerSender _sender;
    private readonly CancellationTokenSource _lifetime = new();
    private int _disposed;

    public Producer(ProducerOptions options)
        : this(options, TimeProvider.System)
    {
    }

    internal Producer(ProducerOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = time;
        _pool = new ConnectionPool(options.ToConnectionSettings());
        _metadata = new MetadataManager(options, _pool, time, _lifetime.Token);
        _memory = new BufferMemory(options.BufferMemory, time);
        _accumulator = new RecordAccumulator(options, _memory, time);
        _sender = new ProducerSender(options, _accumulator, _metadata, _pool, time);
        _sender.Start();
    }

    /// <summary>Bytes of buffer memory free now: how much can be produced before Produce waits.</summary>
    public long AvailableBufferBytes => _memory.AvailableBytes;

    /// <summary>
    /// Produces one record and completes when the broker acknowledged it (as <see cref="ProducerOptions.Acks"/> asks),
    /// with its partition and offset.
    /// </summary>
    /// <exception cref="BrokerException">The record failed: a non-retriable broker error (e.g. MESSAGE_TOO_LARGE),
    /// retries exhausted, the delivery timeout, or MaxBlock passed waiting for buffer memory or metadata.</exception>
    public async ValueTask<DeliveryResult> ProduceAsync(string topic, Message message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var bytes = ReservationFor(message);
        await _memory.ReserveAsync(bytes, _options.MaxBlock, cancellationToken).ConfigureAwait(false);
        var completion = new TaskCompletionSource<DeliveryResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        Route(topic, message, completion, bytes);
        return await completion.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Produces one record without waiting for it; <paramref name="onDelivery"/> is called with the outcome on the
    /// producer's I/O thread (keep it short; it must not block). Blocks only while the buffer is full or the topic's
    /// up to <see cref="ProducerOptions.MaxBlock"/>, as Kafka's send() does. Records for a topic whose metadata is not
    /// known yet are copied and held (in order) until it is; a topic that never appears fails them through the callback.
    /// </summary>
    /// <exception cref="BrokerException">MaxBlock passed waiting for memory, the record can never fit a request
    /// (MESSAGE_TOO_LARGE), or the explicit partition does not exist. The callback is not called then.</exception>
    public void Produce(string topic, Message message, Action<DeliveryReport>? onDelivery = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var bytes = ReservationFor(message);
        _memory.Reserve(bytes, _options.MaxBlock);
        Route(topic, message, onDelivery, bytes);
    }

    /// <summary>Sends every buffered record now (ignoring Linger) and waits until each has its outcome.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        _sender.BeginFlush();
        try
        {
            await Task.WhenAll(_accumulator.HeldReleases()).WaitAsync(cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(_accumulator.Incomplete()).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sender.EndFlush();
        }
    }

    /// <summary>
    /// Delivers what is buffered (waiting up to <see cref="ProducerOptions.CloseTimeout"/>), fails what could not be
    /// delivered in that time, and closes the connections.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            // Records still waiting for their topic's metadata get the same chance as buffered ones.
            await Task.WhenAll(_accumulator.HeldReleases()).WaitAsync(_options.CloseTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // They fail through their callbacks once MaxBlock passes.
        }

        await _sender.CloseAsync(_options.CloseTimeout).ConfigureAwait(false);
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _pool.DisposeAsync().ConfigureAwait(false);
        _accumulator.Dispose();
        _lifetime.Dispose();
    }

    private void Append(string topic, TopicDescription description, Message message, object? completion, long reservedBytes)
    {
        var queues = _accumulator.Topic(topic);
        int partition;
        bool sticky;
        try
        {
            partition = ChoosePartition(queues, description, message, out sticky);
        }
        catch
        {
            _memory.Release(reservedBytes);
            throw;
        }

        var timestamp = message.TimestampMs ?? _time.GetUtcNow().ToUnixTimeMilliseconds();
        var result = _accumulator.Append(queues.For(partition), message, timestamp, completion, reservedBytes, abortOnNewBatch: sticky);
        if ((result & AppendResult.Aborted) != 0)
        {
            // The sticky partition's batch is full: this record starts the next partition's batch.
            partition = queues.NextStickyPartition(description.PartitionCount, partition);
            result |= _accumulator.Append(queues.For(partition), message, timestamp, completion, reservedBytes);
        }

        if ((result & (AppendResult.SealedFull | AppendResult.BatchOpened)) != 0)
        {
            _sender.Wake();
        }
    }

    /// <param name="sticky">True when a keyless record goes to the sticky partition it found (not one chosen for it
    /// just now): it moves on when that partition would need a new batch.</param>
    private static int ChoosePartition(TopicQueues queues, TopicDescription description, Message message, out bool sticky)
    {
        sticky = false;
        var count = description.PartitionCount;
        if (message.Partition is int explicitPartition)
        {
            return (uint)explicitPartition < (uint)count
                ? explicitPartition
                : throw new BrokerException(ErrorCode.UnknownTopicOrPartition,
                    $"Partition {explicitPartition} does not exist: topic '{description.Name}' has {count} partitions.");
        }

        if (message.Key is not null)
        {
            return Partitioner.PartitionForKey(message.Key, count);
        }

        var current = queues.StickyPartition;
        if ((uint)current < (uint)count)
        {
            sticky = true;
            return current;
        }

        return queues.NextStickyPartition(count, current);
    }

    private long ReservationFor(Message message)
    {
        long bytes = RecordOverheadBytesMax + (message.Key?.Length ?? 0) + (message.Value?.Length ?? 0);
        foreach (var header in message.Headers ?? [])
        {
            bytes += 10 + Encoding.UTF8.GetByteCount(header.Key ?? string.Empty) + (header.Value?.Length ?? 0);
        }

        var limit = Math.Min(_options.MaxRequestBytes, _options.BufferMemory);
        if (bytes + RecordBatchLayout.HeaderBytes + RequestOverheadBytes > limit)
        {
            throw new BrokerException(ErrorCode.MessageTooLarge,
                $"The record takes about {bytes} bytes, more than a request may carry (MaxRequestBytes {_options.MaxRequestBytes}, BufferMemory {_options.BufferMemory}).");
        }

        return bytes;
    }

    /// <summary>
    /// Appends at once when the topic's metadata is known and nothing of the topic waits for it; otherwise holds a
    /// copy of the record behind the ones already waiting, so a topic's records keep their order.
    /// </summary>
    private void Route(string topic, Message message, object? completion, long reservedBytes)
    {
        var queues = _accumulator.Topic(topic);
        if (!queues.AwaitingMetadata && TryDescribeCached(topic, out var description))
        {
            Append(topic, description, message, completion, reservedBytes);
            return;
        }

        try
        {
            TopicPartition.ValidateTopicName(topic);
        }
        catch
        {
            _memory.Release(reservedBytes);
            throw;
        }

        var timestamp = message.TimestampMs ?? _time.GetUtcNow().ToUnixTimeMilliseconds();
        queues.HoldForMetadata(new HeldRecord(CopyOf(message, timestamp), completion, reservedBytes), ReleaseHeldAsync);
    }

    private async Task ReleaseHeldAsync(TopicQueues queues)
    {
        await Task.Yield(); // never inside the caller's lock
        try
        {
            var description = await DescribeAsync(queues.Name, CancellationToken.None).ConfigureAwait(false);
            queues.ReleaseHeld(held =>
            {
                try
                {
                    Append(queues.Name, description, held.Message, held.Completion, held.ReservedBytes);
                }
                catch (BrokerException e)
                {
                    FailHeld(queues.Name, held, e);
                }
            });
        }
        catch (BrokerException e)
        {
            queues.ReleaseHeld(held => FailHeld(queues.Name, held, e));
        }
    }

    private void FailHeld(string topic, HeldRecord held, BrokerException error)
    {
        _memory.Release(held.ReservedBytes);
        var report = new DeliveryReport(topic, held.Message.Partition ?? -1, -1, held.Message.TimestampMs ?? -1, error.Code, error.Message);
        ProducerBatch.Report(held.Completion, report, error);
    }

    private static Message CopyOf(Message message, long timestampMs) => new()
    {
        Key = message.Key?.ToArray(),
        Value = message.Value?.ToArray(),
        Headers = message.Headers?.Select(h => new RecordHeader(h.Key, h.Value?.ToArray())).ToArray(),
        TimestampMs = timestampMs,
        Partition = message.Partition,
    };

    private bool TryDescribeCached(string topic, out TopicDescription description)
    {
        // No age check here, per record: the sender's every pass (at least ten a second) refreshes metadata past
        // MetadataMaxAge, and a lock and a clock read per record cost 2% of 1 KiB perf produce.
        if (_metadata.Current.Topics.TryGetValue(topic, out var known) && known.Error == ErrorCode.None && known.PartitionCount > 0)
        {
            description = known;
            return true;
        }

        description = null!;
        return false;
    }

    private async ValueTask<TopicDescription> DescribeAsync(string topic, CancellationToken cancellationToken)
    {
        using var maxBlock = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        maxBlock.CancelAfter(_options.MaxBlock);
        try
        {
            return await _metadata.GetTopicAsync(topic, maxBlock.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BrokerException(ErrorCode.RequestTimedOut,
                $"Topic '{topic}' was not found in the cluster's metadata within MaxBlock ({_options.MaxBlock}): it may not exist, or no broker is reachable.");
        }
    }
}
