using System.CommandLine;

namespace Broker.Cli.Commands;

/// <summary><c>brokerctl topic ...</c>: the group of topic administration commands.</summary>
internal static class TopicCommand
{
    public static Command Create(CommandHost host) => new("topic", "Create, list, describe, grow, configure and delete topics.")
    {
        TopicCreateCommand.Create(host),
        TopicListCommand.Create(host),
        TopicDescribeCommand.Create(host),
        TopicDeleteCommand.Create(host),
        TopicAddPartitionsCommand.Create(host),
        TopicConfigCommand.Create(host),
    };
}
