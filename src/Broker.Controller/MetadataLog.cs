using Broker.Controller.Metadata;
using Broker.Core;
using Broker.Core.Buffers;
using Broker.Core.Records;
using Broker.Storage;

namespace Broker.Controller;

/// <summary>
/// The cluster metadata log of a single node: the partition <c>__cluster_metadata-0</c> in the data directory, a
/// normal partition log whose record values are <see cref="MetadataRecordCodec"/> encodings. One controller
/// operation is one batch, so it is applied whole or, after a torn write, not at all. Appends fsync before they
/// return (flush=always): an acknowledged topic creation survives power loss. The Raft-replicated log replaces
/// this one when controllers form a quorum.
/// Threading: one writer at a time (the controller serialises its operations); <see cref="ReadAll"/> at startup and
/// after a failed write.
/// </summary>
public sealed class MetadataLog : IDisposable
{
    public static readonly TopicPartition Partition = new("__cluster_metadata", 0);

    /// <summary>Kept whole: without snapshots the log is the only copy of the metadata.</summary>
    public static readonly LogConfig Config = new()
    {
        Flush = FlushPolicy.Always,
        RetentionMs = LogConfig.Unlimited,
        RetentionBytes = LogConfig.Unlimited,
        SegmentBytes = 64 << 20,
        IndexBytesMax = 1 << 20,
    };

    private const int ReadChunkBytes = 1 << 20;

    private readonly PartitionLog _log;
    private readonly TimeProvider _time;
    private readonly RecordBatchBuilder _builder = new();
    private readonly PooledBufferWriter _value = new(512);

    public MetadataLog(PartitionLog log, TimeProvider time)
    {
        _log = log;
        _time = time;
    }

    public long EndOffset => _log.LogEndOffset;

    /// <summary>Appends <paramref name="records"/> as one batch and waits for the fsync. Returns the first offset.</summary>
    public async ValueTask<long> AppendAsync(IReadOnlyList<MetadataRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(records.Count);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _builder.Reset();
        foreach (var record in records)
        {
            _value.Clear();
            MetadataRecordCodec.Write(record, _value);
            _builder.Append(now, default, keyIsNull: true, _value.WrittenSpan, valueIsNull: false);
        }

        var result = await _log.AppendAsLeaderAsync(_builder.Seal(), leaderEpoch: 0, cancellationToken);
        _log.UpdateHighWatermark(result.NextOffset);
        return result.BaseOffset;
    }

    /// <summary>Every record from the start of the log, with its offset, in order.</summary>
    public IReadOnlyList<(long Offset, MetadataRecord Record)> ReadAll()
    {
        var records = new List<(long, MetadataRecord)>();
        using var reader = new RecordBatchReader();
        var offset = _log.LogStartOffset;
        while (offset < _log.LogEndOffset)
        {
            var read = _log.Read(offset, ReadChunkBytes);
            if (read.IsEmpty)
            {
                break;
            }

            var bytes = new byte[read.Length];
            read.CopyTo(bytes);
            foreach (var batch in new RecordBatchEnumerator(bytes))
            {
                foreach (var record in reader.Read(batch))
                {
                    records.Add((record.Offset, MetadataRecordCodec.Read(record.Value.ToArray())));
                }
            }

            offset = read.NextOffset;
        }

        return records;
    }

    public void Dispose()
    {
        _builder.Dispose();
        _value.Dispose();
    }
}
