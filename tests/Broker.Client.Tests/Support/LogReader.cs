using System.Text;
using Broker.Core.Records;

namespace Broker.Client.Tests.Support;

/// <summary>Reads a fake partition log back as (offset, value) pairs, values as UTF-8 text.</summary>
internal static class LogReader
{
    public static List<(long Offset, string? Key, string? Value)> Records(FakePartitionLog log)
    {
        var records = new List<(long, string?, string?)>();
        using var reader = new RecordBatchReader();
        foreach (var batch in log.Batches)
        {
            foreach (var record in reader.Read(batch))
            {
                records.Add((record.Offset,
                    record.KeyIsNull ? null : Encoding.UTF8.GetString(record.Key),
                    record.ValueIsNull ? null : Encoding.UTF8.GetString(record.Value)));
            }
        }

        return records;
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
