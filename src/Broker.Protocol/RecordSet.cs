namespace Broker.Protocol;

/// <summary>
/// The raw RecordBatch v2 bytes of one partition in a Fetch response: either a slice of a received frame (the
/// client's read side) or an <see cref="IRecordSource"/> (the server's write side, copying from segment files).
/// On the wire it is an int32 length and the bytes, never decoded by the protocol.
/// </summary>
public readonly struct RecordSet
{
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly IRecordSource? _source;

    public RecordSet(ReadOnlyMemory<byte> memory) => _memory = memory;

    public RecordSet(IRecordSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
    }

    /// <summary>No records: what an error partition or an empty fetch carries.</summary>
    public static RecordSet Empty => default;

    public int Length => _source?.Length ?? _memory.Length;

    /// <summary>Set for record sets built from a source; null for those built from (or read as) memory.</summary>
    public IRecordSource? Source => _source;

    /// <summary>The bytes, for a record set read from a frame or built from memory.</summary>
    /// <exception cref="InvalidOperationException">The record set is backed by an <see cref="IRecordSource"/>.</exception>
    public ReadOnlyMemory<byte> Memory => _source is null
        ? _memory
        : throw new InvalidOperationException("This record set is backed by an IRecordSource; copy it with CopyTo.");

    /// <summary>Copies all the bytes into <paramref name="destination"/>, whatever backs them.</summary>
    public void CopyTo(Span<byte> destination)
    {
        if (_source is null)
        {
            _memory.Span.CopyTo(destination);
        }
        else
        {
            _source.CopyTo(0, destination[.._source.Length]);
        }
    }
}
