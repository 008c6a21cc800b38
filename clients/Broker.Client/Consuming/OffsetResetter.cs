using Broker.Client.Internal;
using Broker.Client.Metadata;
using Broker.Client.Network;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Messages.ListOffsets;

namespace Broker.Client.Consuming;

/// <summary>
/// Gives partitions without a position one, by asking their leader with ListOffsets for the log start (Earliest) or
/// the high watermark (Latest): on assignment, after SeekToBeginning/SeekToEnd, and after OFFSET_OUT_OF_RANGE.
/// </summary>
internal sealed class OffsetResetter(ConsumerOptions options, SubscriptionState subscription, MetadataManager metadata, ConnectionPool pool, Fetcher fetcher)
{
    public async Task ResetAsync(BrokerEndpoint node, FetchTarget[] targets, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await pool.GetAsync(node, cancellationToken).ConfigureAwait(false);
            var response = await connection.RequestAsync<ListOffsetsRequest, ListOffsetsResponse>(BuildRequest(targets), cancellationToken).ConfigureAwait(false);
            lock (subscription.Lock)
            {
                foreach (var target in targets)
                {
                    Apply(target, node, response);
                }
            }
        }
        catch (Exception e) when (e is BrokerException or OperationCanceledException or ObjectDisposedException)
        {
            metadata.RequestRefresh();
            fetcher.BackOff(targets);
        }
        finally
        {
            fetcher.EndLookup(targets);
        }
    }

    private ListOffsetsRequest BuildRequest(FetchTarget[] targets) => new()
    {
        IsolationLevel = options.IsolationLevel,
        Topics = [.. targets
            .GroupBy(t => t.State.Partition.Topic, StringComparer.Ordinal)
            .Select(g => new ListOffsetsRequestTopic
            {
                Name = g.Key,
                Partitions = [.. g.Select(t => new ListOffsetsRequestPartition
                {
                    PartitionIndex = t.State.Partition.Partition,
                    CurrentLeaderEpoch = ProtocolSentinels.NoLeaderEpoch,
                    Timestamp = t.Reset == AutoOffsetReset.Earliest ? ProtocolSentinels.EarliestTimestamp : ProtocolSentinels.LatestTimestamp,
                })],
            })],
    };

    private void Apply(FetchTarget target, BrokerEndpoint node, ListOffsetsResponse response)
    {
        var state = subscription.Find(target.State.Partition);
        if (state != target.State || state.Epoch != target.Epoch || state.PendingReset is null)
        {
            return; // sought meanwhile: the application's choice wins
        }

        var found = Find(response, target);
        var error = found?.ErrorCode ?? (response.ErrorCode != ErrorCode.None ? response.ErrorCode : ErrorCode.UnknownServerError);
        if (error == ErrorCode.None && found!.Value.Offset >= 0)
        {
            state.SeekTo(found.Value.Offset);
            return;
        }

        if (error == ErrorCode.None || ErrorCodes.IsRetriable(error))
        {
            if (ClientErrors.NeedsMetadataRefresh(error))
            {
                metadata.RequestRefresh();
            }

            fetcher.BackOffLocked(state);
            return;
        }

        fetcher.PublishErrorLocked(state, node, ClientErrors.Describe(error, null, $"Looking up the {target.Reset} offset of {state.Partition}"));
    }

    private static ListOffsetsResponsePartition? Find(ListOffsetsResponse response, FetchTarget target)
    {
        var partition = target.State.Partition;
        return response.Topics
            .Where(t => string.Equals(t.Name, partition.Topic, StringComparison.Ordinal))
            .SelectMany(t => t.Partitions)
            .Where(p => p.PartitionIndex == partition.Partition)
            .Select(p => (ListOffsetsResponsePartition?)p)
            .FirstOrDefault();
    }
}
