using Broker.Core.Errors;

namespace Broker.Server.Groups;

/// <summary>Committed offsets of a group: those asked for (in request order), or all of them (topic, then partition order).</summary>
public sealed record OffsetFetchOutput(ErrorCode Error, IReadOnlyList<FetchedOffset> Partitions);
