using Broker.Core.Errors;

namespace Broker.Client.Admin;

/// <summary>The outcome of an admin operation for one item (a topic, a config resource, a partition).</summary>
public sealed record AdminItemResult(string Name, ErrorCode Error, string? ErrorMessage)
{
    public bool IsSuccess => Error == ErrorCode.None;
}
