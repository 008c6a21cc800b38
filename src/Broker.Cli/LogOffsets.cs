using Broker.Client;
using Broker.Client.Admin;
using Broker.Core;

namespace Broker.Cli;

/// <summary>
/// The log start offset and the end (high watermark: what a consumer can read) of partitions, looked up together so
/// every command that shows or computes offsets reads them one way.
/// </summary>
internal static class LogOffsets
{
    /// <summary>Start and end per partition; throws <see cref="AdminOperationException"/> when a leader cannot answer.</summary>
    public static async Task<Dictionary<TopicPartition, LogRange>> ListAsync(
        AdminClient admin, IReadOnlyCollection<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        if (partitions.Count == 0)
        {
            return [];
        }

        var earliest = await admin.ListOffsetsAsync(partitions.ToDictionary(p => p, _ => OffsetSpec.Earliest), cancellationToken).ConfigureAwait(false);
        var latest = await admin.ListOffsetsAsync(partitions.ToDictionary(p => p, _ => OffsetSpec.Latest), cancellationToken).ConfigureAwait(false);
        return partitions.ToDictionary(p => p, p => new LogRange(earliest[p].Offset, latest[p].Offset));
    }

    /// <summary>
    /// As <see cref="ListAsync"/> for the partitions of <paramref name="topics"/> that have a leader; empty when a
    /// leader moved between the lookups, since placement and committed offsets are still worth showing without them.
    /// </summary>
    public static async Task<Dictionary<TopicPartition, LogRange>> TryListAsync(
        AdminClient admin, IEnumerable<TopicDescription> topics, CancellationToken cancellationToken)
    {
        var led = topics.SelectMany(t => t.Partitions.Where(p => p.HasLeader).Select(p => new TopicPartition(t.Name, p.Partition))).ToList();
        try
        {
            return await ListAsync(admin, led, cancellationToken).ConfigureAwait(false);
        }
        catch (AdminOperationException)
        {
            return [];
        }
    }
}
