using Broker.Core;
using Broker.Storage;

namespace Broker.Server.Replication;

/// <summary>
/// A partition this broker holds a replica of: its log, its role from the latest metadata image, and the signal
/// that wakes waiting fetches. Role fields are replaced whole when metadata changes (reads take a snapshot).
/// </summary>
internal sealed class HostedPartition
{
    private readonly Lock _highWatermarkLock = new();

    public HostedPartition(TopicPartition topicPartition, Guid topicId, PartitionLog log, PartitionRole role)
    {
        TopicPartition = topicPartition;
        TopicId = topicId;
        Log = log;
        Role = role;
    }

    public TopicPartition TopicPartition { get; }

    public Guid TopicId { get; }

    public PartitionLog Log { get; }

    public DataSignal Signal { get; } = new();

    public PartitionRole Role { get => Volatile.Read(ref field); set => Volatile.Write(ref field, value); }

    /// <summary>
    /// Moves the high watermark up to <paramref name="candidate"/> (clamped to the LEO by the log), never down:
    /// concurrent appenders finish in any order, and the last to arrive may hold the smallest candidate. Waiting
    /// fetches are woken on the calling thread when <paramref name="answerFetchesHere"/> (a request handler's thread,
    /// see <see cref="DataSignal"/>), otherwise on the thread pool.
    /// </summary>
    public void AdvanceHighWatermark(long candidate, bool answerFetchesHere)
    {
        lock (_highWatermarkLock)
        {
            if (candidate > Log.HighWatermark)
            {
                Log.UpdateHighWatermark(candidate);
            }
        }

        if (answerFetchesHere)
        {
            Signal.NotifyHere();
        }
        else
        {
            Signal.Notify();
        }
    }
}
