using System.CommandLine;

namespace Broker.Cli.Commands;

/// <summary><c>brokerctl group ...</c>: the consumer-group administration commands.</summary>
internal static class GroupCommand
{
    public static Command Create(CommandHost host) => new("group", "List, describe (members, offsets, lag), delete consumer groups and reset their offsets.")
    {
        GroupListCommand.Create(host),
        GroupDescribeCommand.Create(host),
        GroupDeleteCommand.Create(host),
        GroupResetOffsetsCommand.Create(host),
    };
}
