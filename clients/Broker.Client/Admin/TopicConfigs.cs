using Broker.Core.Errors;
using Broker.Protocol.Messages.DescribeConfigs;

namespace Broker.Client.Admin;

/// <summary>A topic's effective configuration: every key with its value, where it comes from, and whether it can change.</summary>
public sealed record TopicConfigs(string Topic, IReadOnlyList<DescribeConfigsResponseConfig> Entries, ErrorCode Error = ErrorCode.None, string? ErrorMessage = null)
{
    /// <summary>The value of <paramref name="name"/>, or null when absent or sensitive.</summary>
    public string? this[string name] => Entries.FirstOrDefault(e => e.Name == name).Value;
}
