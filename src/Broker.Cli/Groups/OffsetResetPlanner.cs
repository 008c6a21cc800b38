using Broker.Client;
using Broker.Client.Admin;
using Broker.Core;
using Broker.Core.Errors;

namespace Broker.Cli.Groups;

/// <summary>
/// The I/O of <c>group reset-offsets</c>: looks up what a plan needs (committed offsets, log ranges, offsets by time),
/// and applies a plan as one AlterGroupOffsets request.
/// </summary>
internal static class OffsetResetPlanner
{
    /// <summary>The new offset of every partition of <paramref name="topic"/>, in partition order. Changes nothing.</summary>
    public static async Task<IReadOnlyList<OffsetResetEntry>> PlanAsync(
        AdminClient admin, string group, TopicDescription topic, OffsetResetTarget target, CancellationToken cancellationToken)
    {
        var partitions = TopicLookup.Partitions(topic, partition: null);
        var committed = await admin.ListGroupOffsetsAsync(group, partitions, cancellationToken).ConfigureAwait(false);
        var ranges = await LogOffsets.ListAsync(admin, [.. partitions], cancellationToken).ConfigureAwait(false);
        var forTime = target.Mode == OffsetResetMode.Datetime
            ? await admin.ListOffsetsAsync(partitions.ToDictionary(p => p, _ => OffsetSpec.ForTimestamp(target.Value)), cancellationToken).ConfigureAwait(false)
            : null;
        return
        [
            .. partitions.Select(p =>
            {
                var current = committed.GetValueOrDefault(p)?.Offset;
                return new OffsetResetEntry(p, current, target.NewOffset(p, current, ranges[p], forTime?[p].Offset ?? -1));
            }),
        ];
    }

    /// <summary>
    /// Commits the plan's offsets as a tool outside the group. The coordinator takes them only while the group has no
    /// members; its refusal (UNKNOWN_MEMBER_ID on every partition, e.g. a consumer that joined after the caller
    /// checked) becomes one line that says what to do.
    /// </summary>
    public static async Task ApplyAsync(AdminClient admin, string group, IReadOnlyList<OffsetResetEntry> plan, CancellationToken cancellationToken)
    {
        try
        {
            await admin.AlterGroupOffsetsAsync(group, plan.ToDictionary(e => e.Partition, e => new OffsetAndMetadata(e.New)), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (AdminOperationException e) when (e.Code == ErrorCode.UnknownMemberId)
        {
            throw new CliException(
                $"the broker refused to reset the offsets of group '{group}' (UNKNOWN_MEMBER_ID): the group has active members; stop its consumers first");
        }
    }
}
