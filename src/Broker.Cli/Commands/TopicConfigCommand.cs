using System.CommandLine;
using System.Text.Json;
using Broker.Cli.Output;
using Broker.Client.Admin;
using Broker.Protocol.Messages.DescribeConfigs;

namespace Broker.Cli.Commands;

/// <summary>
/// <c>brokerctl topic config NAME [--set KEY=VALUE]... [--delete KEY]...</c>: shows the effective configs, or changes
/// them incrementally (keys not named keep their values).
/// </summary>
internal static class TopicConfigCommand
{
    public static Command Create(CommandHost host)
    {
        var name = new Argument<string>("name") { Description = "The topic whose configs to show or change." };
        var set = CliOptions.KeyValues("--set", "Sets a topic override, e.g. retention.ms=3600000. Repeatable.");
        var delete = new Option<string[]>("--delete")
        {
            Description = "Removes a topic override, so the broker default applies again. Repeatable.",
            HelpName = "KEY",
            Arity = ArgumentArity.OneOrMore,
            DefaultValueFactory = _ => [],
        };
        var command = new Command("config", "Shows a topic's effective configs (name, value, source); with --set or --delete, changes them first.")
        {
            name, set, delete,
        };
        host.Bind(command, (context, parse) =>
        {
            var changes = CliOptions.ParseKeyValues(parse.GetValue(set) ?? []);
            foreach (var key in parse.GetValue(delete) ?? [])
            {
                if (!changes.TryAdd(key, null))
                {
                    throw new CliException($"config '{key}' is both set and deleted", ExitCodes.Usage);
                }
            }

            return RunAsync(context, parse.GetRequiredValue(name), changes);
        });
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, string topic, Dictionary<string, string?> changes)
    {
        await using var admin = context.CreateAdmin();
        if (changes.Count > 0)
        {
            await admin.AlterConfigsAsync(
                new Dictionary<string, IReadOnlyDictionary<string, string?>> { [topic] = changes }, cancellationToken: context.Cancellation);
            if (!context.Json)
            {
                var summary = changes.Select(c => c.Value is null ? $"removed {c.Key}" : $"set {c.Key}={c.Value}");
                context.Out.WriteLine($"Updated topic {topic}: {string.Join(", ", summary)}.");
                return ExitCodes.Success;
            }
        }

        var configs = (await admin.DescribeConfigsAsync([topic], cancellationToken: context.Cancellation))[0];
        if (context.Json)
        {
            JsonLineWriter.WriteOne(context.Out, json => WriteJson(json, configs));
            return ExitCodes.Success;
        }

        var table = Tables.Create(context.Console, "NAME", "VALUE", "SOURCE", "READ-ONLY");
        foreach (var entry in configs.Entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            Tables.AddRow(table, entry.Name, ValueOf(entry) ?? "(null)", SourceName(entry.Source), entry.ReadOnly ? "yes" : "no");
        }

        context.Console.Write(table);
        return ExitCodes.Success;
    }

    private static void WriteJson(Utf8JsonWriter json, TopicConfigs configs)
    {
        json.WriteString("topic", configs.Topic);
        json.WriteStartArray("configs");
        foreach (var entry in configs.Entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("name", entry.Name);
            json.WriteString("value", ValueOf(entry));
            json.WriteString("source", SourceName(entry.Source));
            json.WriteBoolean("read_only", entry.ReadOnly);
            json.WriteBoolean("sensitive", entry.IsSensitive);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static string? ValueOf(DescribeConfigsResponseConfig entry) => entry.IsSensitive ? "(sensitive)" : entry.Value;

    /// <summary>Kafka's names for config sources, so the output reads like kafka-configs.sh's.</summary>
    internal static string SourceName(ConfigSource source) => source switch
    {
        ConfigSource.DynamicTopicConfig => "DYNAMIC_TOPIC_CONFIG",
        ConfigSource.DynamicBrokerConfig => "DYNAMIC_BROKER_CONFIG",
        ConfigSource.DynamicDefaultBrokerConfig => "DYNAMIC_DEFAULT_BROKER_CONFIG",
        ConfigSource.StaticBrokerConfig => "STATIC_BROKER_CONFIG",
        ConfigSource.DefaultConfig => "DEFAULT_CONFIG",
        _ => "UNKNOWN",
    };
}
