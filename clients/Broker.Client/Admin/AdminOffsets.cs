using Broker.Client.Metadata;
using Broker.Client.Network;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Messages.ListOffsets;

namespace Broker.Client.Admin;

/// <summary>ListOffsets for the admin client: partitions grouped by leader, one request per leader, in parallel.</summary>
internal sealed class AdminOffsets(MetadataManager metadata, ConnectionPool pool)
{
    public async Task<IReadOnlyDictionary<TopicPartition, ListOffsetsResult>> ListAsync(
        IReadOnlyDictionary<TopicPartition, OffsetSpec> partitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var snapshot = await metadata.FetchAsync([.. partitions.Keys.Select(p => p.Topic).Distinct()], cancellationToken).ConfigureAwait(false);
        var failures = new List<AdminItemResult>();
        var byLeader = new Dictionary<BrokerEndpoint, List<KeyValuePair<TopicPartition, OffsetSpec>>>();
        foreach (var entry in partitions)
        {
            if (snapshot.LeaderOf(entry.Key) is { } leader)
            {
                if (!byLeader.TryGetValue(leader, out var list))
                {
                    byLeader[leader] = list = [];
                }

                list.Add(entry);
            }
            else
            {
                failures.Add(new AdminItemResult(entry.Key.ToString(), ErrorCode.LeaderNotAvailable, "no leader is known"));
            }
        }

        var responses = await Task.WhenAll(byLeader.Select(g => AskAsync(g.Key, g.Value, cancellationToken))).ConfigureAwait(false);
        var results = new Dictionary<TopicPartition, ListOffsetsResult>();
        foreach (var (partition, found) in responses.SelectMany(r => r))
        {
            if (found.ErrorCode == ErrorCode.None)
            {
                results[partition] = new ListOffsetsResult(partition, found.Offset, found.Timestamp, found.LeaderEpoch);
            }
            else
            {
                failures.Add(new AdminItemResult(partition.ToString(), found.ErrorCode, null));
            }
        }

        if (failures.Count > 0)
        {
            var all = results.Keys.Select(p => new AdminItemResult(p.ToString(), ErrorCode.None, null)).Concat(failures).ToList();
            throw new AdminOperationException("ListOffsets", all);
        }

        return results;
    }

    private async Task<List<(TopicPartition, ListOffsetsResponsePartition)>> AskAsync(
        BrokerEndpoint leader, List<KeyValuePair<TopicPartition, OffsetSpec>> partitions, CancellationToken cancellationToken)
    {
        var request = new ListOffsetsRequest
        {
            Topics = [.. partitions.GroupBy(p => p.Key.Topic, StringComparer.Ordinal).Select(g => new ListOffsetsRequestTopic
            {
                Name = g.Key,
                Partitions = [.. g.Select(p => new ListOffsetsRequestPartition
                {
                    PartitionIndex = p.Key.Partition,
                    CurrentLeaderEpoch = ProtocolSentinels.NoLeaderEpoch,
                    Timestamp = p.Value.Timestamp,
                })],
            })],
        };
        var connection = await pool.GetAsync(leader, cancellationToken).ConfigureAwait(false);
        var response = await connection.RequestAsync<ListOffsetsRequest, ListOffsetsResponse>(request, cancellationToken).ConfigureAwait(false);
        var results = new List<(TopicPartition, ListOffsetsResponsePartition)>();
        foreach (var (partition, _) in partitions)
        {
            var found = response.Topics.Where(t => t.Name == partition.Topic).SelectMany(t => t.Partitions)
                .Where(p => p.PartitionIndex == partition.Partition).Select(p => (ListOffsetsResponsePartition?)p).FirstOrDefault();
            var error = found?.ErrorCode ?? (response.ErrorCode != ErrorCode.None ? response.ErrorCode : ErrorCode.UnknownServerError);
            results.Add((partition, found ?? new ListOffsetsResponsePartition { PartitionIndex = partition.Partition, ErrorCode = error }));
        }

        return results;
    }
}
