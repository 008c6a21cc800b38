using System.CommandLine;
using Broker.Cli.Output;

namespace Broker.Cli.Commands;

/// <summary><c>brokerctl topic add-partitions NAME --total N</c></summary>
internal static class TopicAddPartitionsCommand
{
    public static Command Create(CommandHost host)
    {
        var name = new Argument<string>("name") { Description = "The topic to grow." };
        var total = CliOptions.AtLeast("--total", 1, "The partition count after the change (partitions are never removed).", required: true);
        var command = new Command("add-partitions", "Grows a topic to a total partition count. Keys may map to other partitions afterwards.") { name, total };
        host.Bind(command, (context, parse) => RunAsync(context, parse.GetRequiredValue(name), parse.GetValue(total)));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, string topic, int total)
    {
        await using var admin = context.CreateAdmin();
        await admin.CreatePartitionsAsync(new Dictionary<string, int> { [topic] = total }, cancellationToken: context.Cancellation);
        if (context.Json)
        {
            JsonLineWriter.WriteOne(context.Out, json =>
            {
                json.WriteString("topic", topic);
                json.WriteNumber("partitions", total);
            });
        }
        else
        {
            context.Out.WriteLine($"Topic {topic} now has {total} partitions.");
        }

        return ExitCodes.Success;
    }
}
