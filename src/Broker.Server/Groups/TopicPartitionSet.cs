using System.Collections;
using Broker.Core;

namespace Broker.Server.Groups;

/// <summary>
/// An immutable set of partitions, kept sorted by topic (ordinal) then partition, so that two equal sets encode
/// to the same bytes and iterate in the same order: the coordinator's decisions and records depend only on the
/// contents, never on insertion order. Used for assignments, targets and the partitions a member reports owning.
/// </summary>
public sealed class TopicPartitionSet : IEquatable<TopicPartitionSet>, IReadOnlyCollection<TopicPartition>
{
    public static readonly TopicPartitionSet Empty = new([]);

    private static readonly Comparison<TopicPartition> Order = static (a, b) =>
    {
        var byTopic = string.CompareOrdinal(a.Topic, b.Topic);
        return byTopic != 0 ? byTopic : a.Partition.CompareTo(b.Partition);
    };

    private static readonly IComparer<TopicPartition> Comparer = Comparer<TopicPartition>.Create(Order);

    private readonly TopicPartition[] _sorted;

    private TopicPartitionSet(TopicPartition[] sorted) => _sorted = sorted;

    public int Count => _sorted.Length;

    public bool IsEmpty => _sorted.Length == 0;

    /// <summary>The set of the given partitions; duplicates collapse.</summary>
    public static TopicPartitionSet Of(IEnumerable<TopicPartition> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var distinct = new HashSet<TopicPartition>(partitions);
        if (distinct.Count == 0)
        {
            return Empty;
        }

        var sorted = new TopicPartition[distinct.Count];
        distinct.CopyTo(sorted);
        Array.Sort(sorted, Comparer);
        return new TopicPartitionSet(sorted);
    }

    public static TopicPartitionSet Of(params TopicPartition[] partitions) => Of((IEnumerable<TopicPartition>)partitions);

    /// <summary>Partitions <paramref name="partitions"/> of one topic.</summary>
    public static TopicPartitionSet Of(string topic, params int[] partitions) =>
        Of(partitions.Select(p => new TopicPartition(topic, p)));

    public bool Contains(TopicPartition partition) => Array.BinarySearch(_sorted, partition, Comparer) >= 0;

    public TopicPartitionSet Union(TopicPartitionSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.IsEmpty ? this : IsEmpty ? other : Of(_sorted.Concat(other._sorted));
    }

    public TopicPartitionSet Intersect(TopicPartitionSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Filter(other.Contains);
    }

    public TopicPartitionSet Except(TopicPartitionSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.IsEmpty ? this : Filter(p => !other.Contains(p));
    }

    /// <summary>The partitions of this set that satisfy <paramref name="keep"/>; this set itself if all do.</summary>
    public TopicPartitionSet Filter(Func<TopicPartition, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var kept = _sorted.Where(keep).ToArray();
        return kept.Length == _sorted.Length ? this : kept.Length == 0 ? Empty : new TopicPartitionSet(kept);
    }

    public bool Overlaps(TopicPartitionSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var (small, large) = Count <= other.Count ? (this, other) : (other, this);
        return small._sorted.Any(large.Contains);
    }

    public bool IsSubsetOf(TopicPartitionSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Count <= other.Count && _sorted.All(other.Contains);
    }

    /// <summary>The partitions grouped per topic, topics in ordinal order, partitions ascending.</summary>
    public IEnumerable<(string Topic, int[] Partitions)> ByTopic()
    {
        for (var i = 0; i < _sorted.Length;)
        {
            var topic = _sorted[i].Topic;
            var end = i;
            while (end < _sorted.Length && _sorted[end].Topic == topic)
            {
                end++;
            }

            yield return (topic, _sorted[i..end].Select(p => p.Partition).ToArray());
            i = end;
        }
    }

    public IEnumerator<TopicPartition> GetEnumerator() => ((IEnumerable<TopicPartition>)_sorted).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(TopicPartitionSet? other) =>
        other is not null && (ReferenceEquals(this, other) || _sorted.AsSpan().SequenceEqual(other._sorted));

    public override bool Equals(object? obj) => Equals(obj as TopicPartitionSet);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var partition in _sorted)
        {
            hash.Add(partition);
        }

        return hash.ToHashCode();
    }

    public override string ToString() =>
        "{" + string.Join(", ", ByTopic().Select(t => $"{t.Topic}:[{string.Join(',', t.Partitions)}]")) + "}";
}
