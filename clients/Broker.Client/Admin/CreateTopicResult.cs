using Broker.Core.Errors;

namespace Broker.Client.Admin;

/// <summary>A created (or, with validateOnly, checked) topic, with the broker's defaults resolved; -1 counts on error.</summary>
public sealed record CreateTopicResult(string Name, ErrorCode Error, string? ErrorMessage, int NumPartitions, short ReplicationFactor);
