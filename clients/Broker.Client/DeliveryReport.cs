using Broker.Core;
using Broker.Core.Errors;

namespace Broker.Client;

/// <summary>
/// The outcome of one record produced with <see cref="Producer.Produce"/>: on success, its partition, offset and
/// timestamp; on failure, the error code (Kafka's numbers and names, see <see cref="ErrorCodes.Name"/>) and a message.
/// A value type: reporting it allocates nothing.
/// </summary>
public readonly record struct DeliveryReport(string Topic, int Partition, long Offset, long TimestampMs, ErrorCode Error, string? ErrorMessage)
{
    public bool IsSuccess => Error == ErrorCode.None;

    public TopicPartition TopicPartition => new(Topic, Partition);
}
