using System.CommandLine;
using System.Globalization;
using Broker.Cli.Groups;
using Broker.Cli.Output;

namespace Broker.Cli.Commands;

/// <summary>
/// <c>brokerctl group reset-offsets GROUP --topic T (--to-earliest|--to-latest|--to-datetime T|--to-offset N|--shift-by N) [--execute]</c>:
/// plans new committed offsets for every partition of a topic and, with --execute, commits them. As in
/// kafka-consumer-groups.sh, only a group without members can be reset, and without --execute nothing changes.
/// </summary>
internal static class GroupResetOffsetsCommand
{
    /// <summary>ISO 8601 as kafka-consumer-groups.sh takes it: date and time, optional fraction, optional zone (default: local time).</summary>
    private static readonly string[] DatetimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mmK",
    ];

    public static Command Create(CommandHost host)
    {
        var group = new Argument<string>("group") { Description = "The group whose committed offsets to reset; it must have no members." };
        var topic = new Option<string>("--topic") { Description = "The topic whose partitions (all of them) to reset.", Required = true };
        var toEarliest = new Option<bool>("--to-earliest") { Description = "Resets to the log start offset." };
        var toLatest = new Option<bool>("--to-latest") { Description = "Resets to the log end offset (nothing left to read)." };
        var toDatetime = new Option<string>("--to-datetime")
        {
            Description = "Resets to the first record at or after this time, ISO 8601 (2024-05-01T12:00:00.000Z; no zone: local time); to the log end when no record is that new.",
            HelpName = "yyyy-MM-ddTHH:mm:ss[.fff][zone]",
        };
        toDatetime.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && !TryParseDatetime(result.Tokens[0].Value, out _))
            {
                result.AddError($"--to-datetime expects an ISO 8601 time such as 2024-05-01T12:00:00Z; '{result.Tokens[0].Value}' is not.");
            }
        });
        var toOffset = CliOptions.AtLeast<long>("--to-offset", 0, "Resets to this offset (moved into the partition's log start..log end).");
        toOffset.HelpName = "N";
        var shiftBy = new Option<long>("--shift-by")
        {
            Description = "Moves each committed offset by N (negative: back), kept within log start..log end.",
            HelpName = "N",
        };
        var execute = new Option<bool>("--execute") { Description = "Commits the new offsets. Without it, the plan is only printed." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Prints the plan and changes nothing (the default)." };
        Option[] modes = [toEarliest, toLatest, toDatetime, toOffset, shiftBy];
        var command = new Command("reset-offsets", "Plans, and with --execute commits, new offsets of a group for every partition of a topic.")
        {
            group, topic, toEarliest, toLatest, toDatetime, toOffset, shiftBy, execute, dryRun,
        };
        command.Validators.Add(result =>
        {
            if (modes.Count(m => result.GetResult(m) is { Implicit: false }) != 1)
            {
                result.AddError("give exactly one of --to-earliest, --to-latest, --to-datetime, --to-offset and --shift-by");
            }

            if (result.GetResult(execute) is { Implicit: false } && result.GetResult(dryRun) is { Implicit: false })
            {
                result.AddError("--execute and --dry-run exclude each other");
            }
        });
        host.Bind(command, (context, parse) =>
        {
            bool Given(Option option) => parse.GetResult(option) is { Implicit: false };
            var target = Given(toEarliest) ? new OffsetResetTarget(OffsetResetMode.Earliest)
                : Given(toLatest) ? new OffsetResetTarget(OffsetResetMode.Latest)
                : Given(toDatetime) ? new OffsetResetTarget(OffsetResetMode.Datetime, ParseDatetime(parse.GetRequiredValue(toDatetime)))
                : Given(toOffset) ? new OffsetResetTarget(OffsetResetMode.Offset, parse.GetValue(toOffset))
                : new OffsetResetTarget(OffsetResetMode.ShiftBy, parse.GetValue(shiftBy));
            return RunAsync(context, parse.GetRequiredValue(group), parse.GetRequiredValue(topic), target, parse.GetValue(execute));
        });
        return command;
    }

    /// <summary>Milliseconds since the Unix epoch; a time before it reads as 0 (the earliest record).</summary>
    internal static bool TryParseDatetime(string text, out long unixMs)
    {
        var parsed = DateTimeOffset.TryParseExact(text, DatetimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var time);
        unixMs = parsed ? Math.Max(0, time.ToUnixTimeMilliseconds()) : 0;
        return parsed;
    }

    private static long ParseDatetime(string text) =>
        TryParseDatetime(text, out var unixMs) ? unixMs : throw new CliException($"--to-datetime: '{text}' is not an ISO 8601 time", ExitCodes.Usage);

    private static async Task<int> RunAsync(CommandContext context, string group, string topicName, OffsetResetTarget target, bool execute)
    {
        await using var admin = context.CreateAdmin();
        // Checked first, as kafka-consumer-groups.sh does: a plan against a group whose members keep committing is stale
        // at once. A group that does not exist yet is fine: committing offsets creates it.
        if (await GroupLookup.TryDescribeAsync(admin, group, context.Cancellation) is { Members.Count: > 0 } live)
        {
            throw new CliException($"group '{group}' has {live.Members.Count} active member(s) (state {live.State}); "
                + "offsets can be reset only while it has none: stop its consumers first");
        }

        var topic = await TopicLookup.DescribeAsync(admin, topicName, context.Cancellation);
        var plan = await OffsetResetPlanner.PlanAsync(admin, group, topic, target, context.Cancellation);
        if (execute)
        {
            await OffsetResetPlanner.ApplyAsync(admin, group, plan, context.Cancellation);
        }

        if (context.Json)
        {
            JsonLineWriter.WriteOne(context.Out, json =>
            {
                json.WriteString("group", group);
                json.WriteString("topic", topicName);
                json.WriteBoolean("executed", execute);
                json.WriteStartArray("partitions");
                foreach (var entry in plan)
                {
                    json.WriteStartObject();
                    json.WriteNumber("partition", entry.Partition.Partition);
                    json.WriteNumberOrNull("current_offset", entry.Current);
                    json.WriteNumber("new_offset", entry.New);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            });
            return ExitCodes.Success;
        }

        var table = Tables.Create(context.Console, "TOPIC", "PARTITION", "CURRENT OFFSET", "NEW OFFSET");
        foreach (var entry in plan)
        {
            Tables.AddRow(table, entry.Partition.Topic, Invariant(entry.Partition.Partition), entry.Current is long current ? Invariant(current) : "-", Invariant(entry.New));
        }

        context.Console.Write(table);
        context.Out.WriteLine(execute
            ? $"Reset the offsets of group {group} on {plan.Count} partitions of {topicName}."
            : $"Dry run: the offsets of group {group} are unchanged. Add --execute to commit these.");
        return ExitCodes.Success;
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
