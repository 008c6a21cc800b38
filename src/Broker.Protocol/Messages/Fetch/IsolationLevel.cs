namespace Broker.Protocol.Messages.Fetch;

/// <summary>Which records a consumer may see (int8). Without transactions both read up to the high watermark.</summary>
public enum IsolationLevel : sbyte
{
    ReadUncommitted = 0,

    /// <summary>Only up to the last stable offset: records of open transactions stay hidden.</summary>
    ReadCommitted = 1,
}
