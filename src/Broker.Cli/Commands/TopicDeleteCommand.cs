using System.CommandLine;
using Broker.Cli.Output;

namespace Broker.Cli.Commands;

/// <summary><c>brokerctl topic delete NAME</c></summary>
internal static class TopicDeleteCommand
{
    public static Command Create(CommandHost host)
    {
        var name = new Argument<string>("name") { Description = "The topic to delete, with all its records." };
        var command = new Command("delete", "Deletes a topic and its data.") { name };
        host.Bind(command, (context, parse) => RunAsync(context, parse.GetRequiredValue(name)));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, string topic)
    {
        await using var admin = context.CreateAdmin();
        await admin.DeleteTopicsAsync([topic], context.Cancellation);
        if (context.Json)
        {
            JsonLineWriter.WriteOne(context.Out, json =>
            {
                json.WriteString("topic", topic);
                json.WriteBoolean("deleted", true);
            });
        }
        else
        {
            context.Out.WriteLine($"Deleted topic {topic}.");
        }

        return ExitCodes.Success;
    }
}
