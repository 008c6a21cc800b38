using System.CommandLine;

namespace Broker.Cli.Commands;

/// <summary><c>brokerctl cluster ...</c>: the group of cluster commands.</summary>
internal static class ClusterCommand
{
    public static Command Create(CommandHost host) => new("cluster", "Shows the cluster's state.")
    {
        ClusterDescribeCommand.Create(host),
    };
}
