using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Broker.Cli.Output;
using Broker.Client.Admin;
using Broker.Core;
using Broker.Protocol.Messages.DescribeConfigs;

namespace Broker.Cli.Commands;

/// <summary><c>brokerctl topic describe NAME</c>: partitions (leader, replicas, ISR, offsets) and config overrides.</summary>
internal static class TopicDescribeCommand
{
    private static readonly LogRange Unknown = new(-1, -1);

    public static Command Create(CommandHost host)
    {
        var name = new Argument<string>("name") { Description = "The topic to describe." };
        var command = new Command("describe", "Shows a topic's partitions (leader, epoch, replicas, ISR, log start and end offsets) and its config overrides.") { name };
        host.Bind(command, (context, parse) => RunAsync(context, parse.GetRequiredValue(name)));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, string name)
    {
        await using var admin = context.CreateAdmin();
        var topic = await TopicLookup.DescribeAsync(admin, name, context.Cancellation);
        var offsets = await LogOffsets.TryListAsync(admin, [topic], context.Cancellation);
        var overrides = (await admin.DescribeConfigsAsync([name], cancellationToken: context.Cancellation))[0].Entries
            .Where(e => e.Source == ConfigSource.DynamicTopicConfig)
            .ToList();
        if (context.Json)
        {
            JsonLineWriter.WriteOne(context.Out, json => WriteJson(json, topic, offsets, overrides));
            return ExitCodes.Success;
        }

        context.Out.WriteLine($"Topic: {topic.Name}  Partitions: {topic.PartitionCount}  Replication factor: {TopicListCommand.ReplicationFactor(topic)}"
            + $"  Configs: {(overrides.Count == 0 ? "(none)" : string.Join(",", overrides.Select(e => $"{e.Name}={e.Value}")))}");
        var table = Tables.Create(context.Console, "PARTITION", "LEADER", "EPOCH", "REPLICAS", "ISR", "OFFLINE", "LOG START", "HIGH WATERMARK");
        foreach (var partition in topic.Partitions)
        {
            var (start, end) = offsets.GetValueOrDefault(new TopicPartition(topic.Name, partition.Partition), Unknown);
            Tables.AddRow(table, Invariant(partition.Partition), Invariant(partition.Leader), Invariant(partition.LeaderEpoch),
                string.Join(",", partition.Replicas), string.Join(",", partition.Isr), string.Join(",", partition.OfflineReplicas),
                start < 0 ? "-" : Invariant(start), end < 0 ? "-" : Invariant(end));
        }

        context.Console.Write(table);
        return ExitCodes.Success;
    }

    private static void WriteJson(Utf8JsonWriter json, TopicDescription topic, Dictionary<TopicPartition, LogRange> offsets, List<DescribeConfigsResponseConfig> overrides)
    {
        json.WriteString("name", topic.Name);
        json.WriteBoolean("internal", topic.IsInternal);
        json.WriteNumber("replication_factor", TopicListCommand.ReplicationFactor(topic));
        json.WriteStartArray("partitions");
        foreach (var partition in topic.Partitions)
        {
            var (start, end) = offsets.GetValueOrDefault(new TopicPartition(topic.Name, partition.Partition), Unknown);
            json.WriteStartObject();
            json.WriteNumber("partition", partition.Partition);
            json.WriteNumber("leader", partition.Leader);
            json.WriteNumber("leader_epoch", partition.LeaderEpoch);
            WriteInts(json, "replicas", partition.Replicas);
            WriteInts(json, "isr", partition.Isr);
            WriteInts(json, "offline_replicas", partition.OfflineReplicas);
            json.WriteNumber("log_start_offset", start);
            json.WriteNumber("high_watermark", end);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("configs");
        foreach (var entry in overrides)
        {
            json.WriteString(entry.Name, entry.Value);
        }

        json.WriteEndObject();
    }

    private static void WriteInts(Utf8JsonWriter json, string name, IReadOnlyList<int> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
