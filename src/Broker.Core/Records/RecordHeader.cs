namespace Broker.Core.Records;

/// <summary>A record header as the producer gives it: a UTF-8 key and a value that may be null.</summary>
/// <remarks>The value is an array, not a memory: a null array would convert to an empty, non-null memory.</remarks>
public readonly record struct RecordHeader(string Key, byte[]? Value);
