using static Broker.Core.Records.RecordBatchLayout;

namespace Broker.Core.Records;

/// <summary>
/// Steps through the batches of a record set (a fetch response, a log segment slice) by their length fields,
/// without checking them. A trailing partial batch is not returned: a fetch may end mid-batch when it hits its
/// byte limit, as in Kafka, and the consumer asks again from the next offset. Use as
/// <c>foreach (var batch in new RecordBatchEnumerator(bytes))</c>.
/// </summary>
public ref struct RecordBatchEnumerator
{
    private readonly ReadOnlySpan<byte> _records;
    private int _next;

    public RecordBatchEnumerator(ReadOnlySpan<byte> records)
    {
        _records = records;
        _next = 0;
        Current = default;
    }

    /// <summary>The bytes of the current batch, header included.</summary>
    public ReadOnlySpan<byte> Current { get; private set; }

    /// <summary>Bytes of the record set covered by the batches returned so far.</summary>
    public readonly int BytesConsumed => _next;

    public readonly RecordBatchEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        var rest = _records[_next..];
        if (rest.Length < HeaderBytes)
        {
            return false;
        }

        var (_, batchLength) = RecordBatchHeader.ReadOverhead(rest);
        if (batchLength < BatchLengthMin || batchLength > rest.Length - LogOverheadBytes)
        {
            return false;
        }

        Current = rest[..(batchLength + LogOverheadBytes)];
        _next += Current.Length;
        return true;
    }
}
