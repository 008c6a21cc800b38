using System.CommandLine;
using Broker.Cli.Output;
using Broker.Client.Admin;

namespace Broker.Cli.Commands;

/// <summary><c>brokerctl topic create NAME [--partitions N] [--replication-factor N] [--config KEY=VALUE]...</c></summary>
internal static class TopicCreateCommand
{
    public static Command Create(CommandHost host)
    {
        var name = new Argument<string>("name") { Description = "The topic to create." };
        var partitions = CliOptions.AtLeast("--partitions", -1, "Partition count; -1 (default) takes the broker's default.", defaultValue: -1);
        var replication = CliOptions.AtLeast<short>("--replication-factor", -1, "Replicas per partition; -1 (default) takes the broker's default.", defaultValue: -1);
        var configs = CliOptions.KeyValues("--config", "A topic config override, e.g. retention.ms=86400000. Repeatable.");
        var command = new Command("create", "Creates a topic.") { name, partitions, replication, configs };
        host.Bind(command, (context, parse) => RunAsync(
            context,
            new TopicSpecification(parse.GetRequiredValue(name), parse.GetValue(partitions), parse.GetValue(replication))
            {
                Configs = CliOptions.ParseKeyValues(parse.GetValue(configs) ?? []),
            }));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, TopicSpecification topic)
    {
        await using var admin = context.CreateAdmin();
        var created = (await admin.CreateTopicsAsync([topic], cancellationToken: context.Cancellation))[0];
        if (context.Json)
        {
            JsonLineWriter.WriteOne(context.Out, json =>
            {
                json.WriteString("topic", created.Name);
                json.WriteNumber("partitions", created.NumPartitions);
                json.WriteNumber("replication_factor", created.ReplicationFactor);
            });
        }
        else
        {
            context.Out.WriteLine($"Created topic {created.Name} with {created.NumPartitions} partitions, replication factor {created.ReplicationFactor}.");
        }

        return ExitCodes.Success;
    }
}
