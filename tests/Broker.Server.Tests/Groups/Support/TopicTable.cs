using Broker.Server.Groups;

namespace Broker.Server.Tests.Groups.Support;

/// <summary>The metadata image as a mutable table: topic -> partition count.</summary>
internal sealed class TopicTable : IGroupTopicMetadata
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public TopicTable Set(string topic, int partitions)
    {
        _counts[topic] = partitions;
        return this;
    }

    public TopicTable Remove(string topic)
    {
        _counts.Remove(topic);
        return this;
    }

    public int? PartitionCount(string topic) => _counts.TryGetValue(topic, out var count) ? count : null;
}
