using Broker.Client;

namespace Broker.Cli.Records;

/// <summary>
/// Counts the outcomes of records produced by <c>produce</c>: delivered, failed, the first failure's reason, and
/// where the last input line went. Callbacks arrive on the producer's I/O thread, in no global order across
/// partitions, hence the lock and the line numbers.
/// </summary>
internal sealed class DeliveryTally
{
    private readonly Lock _lock = new();
    private long _lastLine = -1;

    public long Delivered { get; private set; }

    public long Failed { get; private set; }

    public string? FirstError { get; private set; }

    /// <summary>Partition and offset of the highest-numbered delivered line; offset -1 with acks=0.</summary>
    public (int Partition, long Offset)? Last { get; private set; }

    public Action<DeliveryReport> CallbackFor(long line) => report => Record(line, report);

    private void Record(long line, DeliveryReport report)
    {
        lock (_lock)
        {
            if (!report.IsSuccess)
            {
                Failed++;
                FirstError ??= report.ErrorMessage ?? report.Error.ToString();
                return;
            }

            Delivered++;
            if (line > _lastLine)
            {
                _lastLine = line;
                Last = (report.Partition, report.Offset);
            }
        }
    }
}
