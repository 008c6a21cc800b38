using System.CommandLine;
using System.Globalization;
using Broker.Cli.Output;
using Broker.Client.Admin;

namespace Broker.Cli.Commands;

/// <summary><c>brokerctl topic list [--internal]</c></summary>
internal static class TopicListCommand
{
    public static Command Create(CommandHost host)
    {
        var includeInternal = new Option<bool>("--internal") { Description = "Include internal topics (such as __consumer_offsets)." };
        var command = new Command("list", "Lists the topics with their partition counts.") { includeInternal };
        host.Bind(command, (context, parse) => RunAsync(context, parse.GetValue(includeInternal)));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, bool includeInternal)
    {
        await using var admin = context.CreateAdmin();
        var topics = await admin.ListTopicsAsync(includeInternal, context.Cancellation);
        if (context.Json)
        {
            JsonLineWriter.WriteOne(context.Out, json =>
            {
                json.WriteStartArray("topics");
                foreach (var topic in topics)
                {
                    json.WriteStartObject();
                    json.WriteString("name", topic.Name);
                    json.WriteNumber("partitions", topic.PartitionCount);
                    json.WriteNumber("replication_factor", ReplicationFactor(topic));
                    json.WriteBoolean("internal", topic.IsInternal);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            });
            return ExitCodes.Success;
        }

        var table = Tables.Create(context.Console, "TOPIC", "PARTITIONS", "REPLICATION FACTOR");
        foreach (var topic in topics)
        {
            Tables.AddRow(table, topic.Name, Invariant(topic.PartitionCount), Invariant(ReplicationFactor(topic)));
        }

        context.Console.Write(table);
        return ExitCodes.Success;
    }

    /// <summary>Partitions of a topic share a replication factor; the first one's stands for the topic.</summary>
    internal static int ReplicationFactor(TopicDescription topic) => topic.Partitions.Count > 0 ? topic.Partitions[0].Replicas.Count : 0;

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
