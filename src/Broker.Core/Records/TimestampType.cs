namespace Broker.Core.Records;

/// <summary>Bit 3 of the batch attributes: whose clock the timestamps are.</summary>
public enum TimestampType
{
    /// <summary>The producer's timestamps, per record.</summary>
    CreateTime = 0,

    /// <summary>The broker's clock at append; the batch's maxTimestamp holds it for every record.</summary>
    LogAppendTime = 1,
}
