using System.CommandLine;
using Broker.Cli.Output;

namespace Broker.Cli.Commands;

/// <summary><c>brokerctl group list</c>: every group the cluster's coordinators know, with its state and type.</summary>
internal static class GroupListCommand
{
    public static Command Create(CommandHost host)
    {
        var command = new Command("list", "Lists the consumer groups with their state (Empty, Reconciling, Stable, ...) and type.");
        host.Bind(command, (context, _) => RunAsync(context));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context)
    {
        await using var admin = context.CreateAdmin();
        var groups = await admin.ListGroupsAsync(context.Cancellation);
        if (context.Json)
        {
            JsonLineWriter.WriteOne(context.Out, json =>
            {
                json.WriteStartArray("groups");
                foreach (var group in groups)
                {
                    json.WriteStartObject();
                    json.WriteString("group", group.GroupId);
                    json.WriteString("state", group.State);
                    json.WriteString("type", group.Type);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            });
            return ExitCodes.Success;
        }

        var table = Tables.Create(context.Console, "GROUP", "STATE", "TYPE");
        foreach (var group in groups)
        {
            Tables.AddRow(table, group.GroupId, group.State, group.Type);
        }

        context.Console.Write(table);
        return ExitCodes.Success;
    }
}
