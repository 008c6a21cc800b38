using System.CommandLine;
using Broker.Cli.Output;
using Broker.Client.Admin;
using Broker.Core.Errors;

namespace Broker.Cli.Commands;

/// <summary><c>brokerctl group delete GROUP</c>: deletes a group without members, with its committed offsets.</summary>
internal static class GroupDeleteCommand
{
    public static Command Create(CommandHost host)
    {
        var group = new Argument<string>("group") { Description = "The group to delete; it must have no members." };
        var command = new Command("delete", "Deletes a consumer group that has no members, and its committed offsets.") { group };
        host.Bind(command, (context, parse) => RunAsync(context, parse.GetRequiredValue(group)));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, string group)
    {
        await using var admin = context.CreateAdmin();
        await GroupLookup.RequireClusterAsync(admin, context.Cancellation);
        try
        {
            await admin.DeleteGroupsAsync([group], context.Cancellation);
        }
        catch (AdminOperationException e) when (e.Code == ErrorCode.NonEmptyGroup)
        {
            throw new CliException($"group '{group}' has active members (NON_EMPTY_GROUP): stop its consumers, or wait for their sessions to expire, then delete it");
        }
        catch (AdminOperationException e) when (e.Code == ErrorCode.GroupIdNotFound)
        {
            throw GroupLookup.NotFound(group);
        }

        if (context.Json)
        {
            JsonLineWriter.WriteOne(context.Out, json =>
            {
                json.WriteString("group", group);
                json.WriteBoolean("deleted", true);
            });
        }
        else
        {
            context.Out.WriteLine($"Deleted group {group}.");
        }

        return ExitCodes.Success;
    }
}
