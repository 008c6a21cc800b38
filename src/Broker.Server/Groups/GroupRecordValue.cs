namespace Broker.Server.Groups;

/// <summary>The value of a record in <c>__consumer_offsets</c>; one sealed subtype per <see cref="GroupRecordType"/>.</summary>
public abstract record GroupRecordValue
{
    /// <summary>The key type this value belongs under; the codec and replay check that key and value agree.</summary>
    public abstract GroupRecordType Type { get; }
}
