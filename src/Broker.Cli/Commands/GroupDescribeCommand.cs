using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Broker.Cli.Groups;
using Broker.Cli.Output;
using Broker.Client.Admin;
using Broker.Core;

namespace Broker.Cli.Commands;

/// <summary>
/// <c>brokerctl group describe GROUP</c>: state, epoch, assignor and members, then per partition of the group's topics
/// the committed offset, the log end, the lag and the member that owns it, and the total lag.
/// </summary>
internal static class GroupDescribeCommand
{
    public static Command Create(CommandHost host)
    {
        var group = new Argument<string>("group") { Description = "The group to describe." };
        var command = new Command("describe", "Shows a group's state and members, and per partition its committed offset, the log end offset, the lag and the owner.")
        {
            group,
        };
        host.Bind(command, (context, parse) => RunAsync(context, parse.GetRequiredValue(group)));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, string groupId)
    {
        await using var admin = context.CreateAdmin();
        var group = await GroupLookup.DescribeAsync(admin, groupId, context.Cancellation);
        var committed = await admin.ListGroupOffsetsAsync(groupId, cancellationToken: context.Cancellation);
        var wanted = GroupLag.TopicsOf(group, committed);
        var topics = (await admin.ListTopicsAsync(includeInternal: true, context.Cancellation)).Where(t => wanted.Contains(t.Name)).ToList();
        var ranges = await LogOffsets.TryListAsync(admin, topics, context.Cancellation);
        var lags = GroupLag.Compute(group, committed, topics, ranges);
        var members = group.Members.OrderBy(m => m.MemberId, StringComparer.Ordinal).ToList();
        var totalLag = lags.Sum(l => l.Lag ?? 0);
        if (context.Json)
        {
            JsonLineWriter.WriteOne(context.Out, json => WriteJson(json, group, members, lags, totalLag));
            return ExitCodes.Success;
        }

        context.Out.WriteLine($"Group: {group.GroupId}  State: {group.State}  Epoch: {group.GroupEpoch}  Assignor: {group.Assignor}  Members: {members.Count}");
        WriteMembers(context, members);
        WritePartitions(context, lags);
        context.Out.WriteLine(lags.Any(l => l.Lag is null)
            ? $"Total lag: {totalLag} (partitions whose offsets could not be read are not counted)"
            : $"Total lag: {totalLag}");
        return ExitCodes.Success;
    }

    private static void WriteMembers(CommandContext context, List<GroupMemberDescription> members)
    {
        if (members.Count == 0)
        {
            context.Out.WriteLine("No members.");
            return;
        }

        var table = Tables.Create(context.Console, "MEMBER ID", "INSTANCE ID", "CLIENT ID", "HOST", "EPOCH", "PARTITIONS");
        foreach (var member in members)
        {
            Tables.AddRow(table, member.MemberId, member.InstanceId ?? "-", member.ClientId, member.ClientHost, Invariant(member.MemberEpoch),
                PartitionList(member.Assignment));
        }

        context.Console.Write(table);
    }

    private static void WritePartitions(CommandContext context, List<PartitionLag> lags)
    {
        if (lags.Count == 0)
        {
            context.Out.WriteLine("No partitions: the group subscribes to no topic and has no committed offset.");
            return;
        }

        var table = Tables.Create(context.Console, "TOPIC", "PARTITION", "COMMITTED OFFSET", "LOG END OFFSET", "LAG", "OWNER");
        foreach (var lag in lags)
        {
            var lagText = lag.Lag is not long value ? "-" : lag.Committed is null ? $"{Invariant(value)} (from log start)" : Invariant(value);
            Tables.AddRow(table, lag.Partition.Topic, Invariant(lag.Partition.Partition), lag.Committed is long c ? Invariant(c) : "-",
                lag.Range is { } range ? Invariant(range.End) : "-", lagText, lag.Owner ?? "-");
        }

        context.Console.Write(table);
    }

    /// <summary>Kafka's notation: <c>orders(0,1,2) audit(3)</c>.</summary>
    private static string PartitionList(IReadOnlyList<TopicPartition> partitions) => partitions.Count == 0
        ? "-"
        : string.Join(' ', partitions.GroupBy(p => p.Topic, StringComparer.Ordinal)
            .Select(t => $"{t.Key}({string.Join(',', t.Select(p => Invariant(p.Partition)))})"));

    private static void WriteJson(Utf8JsonWriter json, GroupDescription group, List<GroupMemberDescription> members, List<PartitionLag> lags, long totalLag)
    {
        json.WriteString("group", group.GroupId);
        json.WriteString("state", group.State);
        json.WriteNumber("group_epoch", group.GroupEpoch);
        json.WriteNumber("assignment_epoch", group.AssignmentEpoch);
        json.WriteString("assignor", group.Assignor);
        json.WriteStartArray("members");
        foreach (var member in members)
        {
            json.WriteStartObject();
            json.WriteString("member_id", member.MemberId);
            json.WriteString("instance_id", member.InstanceId);
            json.WriteString("client_id", member.ClientId);
            json.WriteString("host", member.ClientHost);
            json.WriteNumber("member_epoch", member.MemberEpoch);
            json.WriteStartArray("subscribed_topics");
            foreach (var topic in member.SubscribedTopics)
            {
                json.WriteStringValue(topic);
            }

            json.WriteEndArray();
            json.WriteStartArray("assignment");
            foreach (var partition in member.Assignment)
            {
                json.WriteStartObject();
                json.WriteString("topic", partition.Topic);
                json.WriteNumber("partition", partition.Partition);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("partitions");
        foreach (var lag in lags)
        {
            json.WriteStartObject();
            json.WriteString("topic", lag.Partition.Topic);
            json.WriteNumber("partition", lag.Partition.Partition);
            json.WriteNumberOrNull("committed_offset", lag.Committed);
            json.WriteNumberOrNull("log_start_offset", lag.Range?.Start);
            json.WriteNumberOrNull("log_end_offset", lag.Range?.End);
            json.WriteNumberOrNull("lag", lag.Lag);
            json.WriteString("owner", lag.Owner);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("total_lag", totalLag);
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
