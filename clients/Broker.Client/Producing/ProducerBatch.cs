using System.Buffers;
using Broker.Core;
using Broker.Core.Compression;
using Broker.Core.Errors;
using Broker.Core.Records;

namespace Broker.Client.Producing;

/// <summary>
/// One partition's batch on its way to the broker: records are encoded straight into a pooled
/// <see cref="RecordBatchBuilder"/>, and each record's completion (a delivery callback or a ProduceAsync task) and
/// timestamp go into pooled arrays, so appending allocates nothing per record once the pools are warm. Reused via
/// <see cref="Open"/> after <see cref="Recycle"/>.
/// </summary>
/// <remarks>
/// Appends happen under the owning <see cref="PartitionQueue"/>'s lock; once sealed the batch is read by the sender
/// alone, and completed exactly once.
/// </remarks>
internal sealed class ProducerBatch : IDisposable
{
    private const int InitialRecordSlots = 64;

    private readonly Lock _doneLock = new();
    private object?[] _completions = ArrayPool<object?>.Shared.Rent(InitialRecordSlots);
    private long[] _timestamps = ArrayPool<long>.Shared.Rent(InitialRecordSlots);
    private TaskCompletionSource? _done;
    private Memory<byte> _sealed;
    private bool _completed;

    public ProducerBatch(CompressionType compression, int batchSize) =>
        Builder = new RecordBatchBuilder(compression, batchSize + RecordBatchLayout.HeaderBytes);

    public RecordBatchBuilder Builder { get; }

    public TopicPartition Partition { get; private set; }

    /// <summary>When the first record arrived (TimeProvider timestamp): linger and delivery timeout count from here.</summary>
    public long CreatedTimestamp { get; private set; }

    /// <summary>Buffer memory held for this batch's records, released when it completes.</summary>
    public long ReservedBytes { get; private set; }

    public int RecordCount => Builder.RecordCount;

    public bool IsSealed { get; private set; }

    /// <summary>The sealed batch as sent on the wire: valid until <see cref="Recycle"/>.</summary>
    public ReadOnlyMemory<byte> Bytes => _sealed;

    /// <summary>The sequence of the batch's first record; -1 until an idempotent producer first sends it.</summary>
    public int BaseSequence { get; private set; } = RecordBatchLayout.NoSequence;

    public void Open(TopicPartition partition, long createdTimestamp)
    {
        Partition = partition;
        CreatedTimestamp = createdTimestamp;
        ReservedBytes = 0;
        IsSealed = false;
        _sealed = default;
        BaseSequence = RecordBatchLayout.NoSequence;
        lock (_doneLock)
        {
            _done = null;
            _completed = false;
        }
    }

    /// <summary>Exact bytes the record would add (before compression), as the builder will encode it.</summary>
    public int MeasureRecord(long timestampMs, Message message) =>
        Builder.MeasureRecord(timestampMs, message.Key?.Length ?? 0, message.Value?.Length ?? 0, message.Headers);

    /// <param name="completion">An <see cref="Action{DeliveryReport}"/>, a <see cref="TaskCompletionSource{DeliveryResult}"/> or null.</param>
    public void Append(Message message, long timestampMs, object? completion, long reservedBytes)
    {
        var index = RecordCount;
        if (index >= _completions.Length || index >= _timestamps.Length)
        {
            Grow();
        }

        Builder.Append(timestampMs, message.Key, message.Value, message.Headers);
        _completions[index] = completion;
        _timestamps[index] = timestampMs;
        ReservedBytes += reservedBytes;
    }

    public void Seal()
    {
        if (!IsSealed)
        {
            _sealed = Builder.Seal();
            IsSealed = true;
        }
    }

    /// <summary>Stamps the idempotent producer's id, epoch and this batch's first sequence on the sealed bytes (the
    /// header and its CRC; records are untouched): when first sent, and again if the partition's sequences are
    /// renumbered. Never while a request holding the bytes is on the wire.</summary>
    public void SetSequence(long producerId, short producerEpoch, int baseSequence)
    {
        RecordBatch.SetProducer(_sealed.Span, producerId, producerEpoch, baseSequence);
        BaseSequence = baseSequence;
    }

    /// <summary>Completes when the batch's outcome has been reported (for Flush).</summary>
    public Task WhenDone()
    {
        lock (_doneLock)
        {
            if (_completed)
            {
                return Task.CompletedTask;
            }

            _done ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _done.Task;
        }
    }

    /// <summary>Reports every record's outcome, in order. Callback exceptions are swallowed: they must not stop delivery of the rest.</summary>
    public void Complete(long baseOffset, long logAppendTimeMs, ErrorCode error, string? errorMessage)
    {
        var topic = Partition.Topic;
        var partition = Partition.Partition;
        var failure = error == ErrorCode.None ? null : new BrokerException(error, errorMessage ?? ErrorCodes.Describe(error));
        for (var i = 0; i < RecordCount; i++)
        {
            var offset = error != ErrorCode.None || baseOffset < 0 ? -1 : baseOffset + i;
            var timestamp = logAppendTimeMs >= 0 ? logAppendTimeMs : _timestamps[i];
            Report(_completions[i], new DeliveryReport(topic, partition, offset, timestamp, error, failure?.Message), failure);
            _completions[i] = null;
        }

        TaskCompletionSource? done;
        lock (_doneLock)
        {
            _completed = true;
            done = _done;
        }

        done?.TrySetResult();
    }

    /// <summary>Readies the batch for reuse; its bytes and arrays stay rented.</summary>
    public void Recycle() => Builder.Reset();

    public void Dispose()
    {
        Builder.Dispose();
        ArrayPool<object?>.Shared.Return(_completions, clearArray: true);
        ArrayPool<long>.Shared.Return(_timestamps);
        _completions = [];
        _timestamps = [];
    }

    /// <summary>Delivers one record's outcome to its callback or task.</summary>
    public static void Report(object? completion, in DeliveryReport report, BrokerException? failure)
    {
        switch (completion)
        {
            case Action<DeliveryReport> callback:
                try
                {
                    callback(report);
                }
#pragma warning disable CA1031 // An application's callback must not break the delivery of other records.
                catch (Exception)
#pragma warning restore CA1031
                {
                }

                break;
            case TaskCompletionSource<DeliveryResult> task when failure is null:
                task.TrySetResult(new DeliveryResult(report.Topic, report.Partition, report.Offset, report.TimestampMs));
                break;
            case TaskCompletionSource<DeliveryResult> task:
                task.TrySetException(failure);
                break;
        }
    }

    private void Grow()
    {
        var completions = ArrayPool<object?>.Shared.Rent(_completions.Length * 2);
        var timestamps = ArrayPool<long>.Shared.Rent(_timestamps.Length * 2);
        _completions.AsSpan().CopyTo(completions);
        _timestamps.AsSpan().CopyTo(timestamps);
        ArrayPool<object?>.Shared.Return(_completions, clearArray: true);
        ArrayPool<long>.Shared.Return(_timestamps);
        _completions = completions;
        _timestamps = timestamps;
    }
}
