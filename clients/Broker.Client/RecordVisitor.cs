using Broker.Core;
using Broker.Core.Records;

namespace Broker.Client;

/// <summary>
/// Called for each record by <see cref="Consumer.ConsumeBatchAsync(RecordVisitor, TimeSpan, CancellationToken)"/>.
/// The record is a view into the fetch buffer, valid only during the call: copy what must outlive it. This is the
/// zero-copy path for high-throughput consumers (no allocation per record).
/// </summary>
public delegate void RecordVisitor(TopicPartition partition, Record record);
