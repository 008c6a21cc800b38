using Broker.Client;
using Broker.Client.Admin;
using Broker.Core;
using Broker.Core.Errors;

namespace Broker.Cli;

/// <summary>
/// Finds a topic before a command uses it, so a missing topic or an unreachable cluster fails at once with one line
/// instead of the producer's 60 s metadata wait or a consumer that silently waits forever.
/// </summary>
internal static class TopicLookup
{
    /// <summary>How long a topic that exists but has no leader yet (just created) is waited for.</summary>
    private static readonly TimeSpan LeaderWaitMax = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(100);

    public static async Task<TopicDescription> DescribeAsync(AdminClient admin, string topic, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + LeaderWaitMax;
        while (true)
        {
            try
            {
                var description = (await admin.DescribeTopicsAsync([topic], cancellationToken).ConfigureAwait(false))[0];
                if (description.Partitions.All(p => p.HasLeader) || DateTime.UtcNow > deadline)
                {
                    return description;
                }
            }
            catch (AdminOperationException e) when (e.Code == ErrorCode.UnknownTopicOrPartition)
            {
                throw new CliException($"topic '{topic}' does not exist (UNKNOWN_TOPIC_OR_PARTITION)");
            }
            catch (AdminOperationException e) when (e.Code == ErrorCode.LeaderNotAvailable && DateTime.UtcNow <= deadline)
            {
                // A topic being created: its partitions get leaders within a metadata round trip.
            }

            await Task.Delay(RetryInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The topic's partitions, or just <paramref name="partition"/> after checking that it exists.</summary>
    public static IReadOnlyList<TopicPartition> Partitions(TopicDescription topic, int? partition)
    {
        if (partition is not int only)
        {
            return [.. topic.Partitions.Select(p => new TopicPartition(topic.Name, p.Partition))];
        }

        return only >= 0 && only < topic.PartitionCount
            ? [new TopicPartition(topic.Name, only)]
            : throw new CliException($"partition {only} does not exist: topic '{topic.Name}' has {topic.PartitionCount} partitions");
    }
}
