namespace Broker.Core.Records;

/// <summary>Why a run of bytes is not a valid RecordBatch v2. Named so that recovery and the produce path can log
/// and count each cause.</summary>
public enum RecordBatchError
{
    None = 0,

    /// <summary>Fewer bytes than the header, or than batchLength says: a torn write or a short buffer.</summary>
    Truncated,

    /// <summary>batchLength below the header size or above the caller's limit.</summary>
    InvalidLength,

    /// <summary>A magic byte other than 2. Older formats (v0, v1) are not accepted.</summary>
    UnsupportedMagic,

    /// <summary>The CRC-32C over attributes..end does not match: the bytes were damaged.</summary>
    CrcMismatch,

    /// <summary>recordCount or lastOffsetDelta is impossible for the bytes present.</summary>
    InvalidRecordCount,

    /// <summary>A codec number that does not exist (5-7).</summary>
    InvalidCompression,
}
