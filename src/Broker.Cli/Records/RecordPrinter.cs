using System.Text;
using Broker.Cli.Output;
using Broker.Client;

namespace Broker.Cli.Records;

/// <summary>
/// Prints consumed records: the value alone, or prefixed by partition, offset and key (tab-separated, "null" for a
/// null key or value, as Kafka's console consumer prints them); or one JSON object per record.
/// </summary>
internal sealed class RecordPrinter(TextWriter output, OutputFormat format, bool printPartition, bool printOffset, bool printKey) : IDisposable
{
    private readonly JsonLineWriter? _json = format == OutputFormat.Json ? new JsonLineWriter(output) : null;
    private readonly StringBuilder _line = new();

    public void Print(ConsumeResult record)
    {
        if (_json is not null)
        {
            _json.WriteObject(json =>
            {
                json.WriteString("topic", record.Topic);
                json.WriteNumber("partition", record.Partition);
                json.WriteNumber("offset", record.Offset);
                json.WriteNumber("timestamp", record.TimestampMs);
                json.WriteString("key", TextOf(record.Key));
                json.WriteString("value", TextOf(record.Value));
            });
            return;
        }

        _line.Clear();
        if (printPartition)
        {
            _line.Append(record.Partition).Append('\t');
        }

        if (printOffset)
        {
            _line.Append(record.Offset).Append('\t');
        }

        if (printKey)
        {
            _line.Append(TextOf(record.Key) ?? "null").Append('\t');
        }

        _line.Append(TextOf(record.Value) ?? "null");
        output.WriteLine(_line);
    }

    public void Dispose() => _json?.Dispose();

    /// <summary>Bytes as UTF-8 text; invalid sequences become U+FFFD rather than failing the whole consume.</summary>
    private static string? TextOf(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);
}
