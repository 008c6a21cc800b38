using System.CommandLine;
using System.Globalization;
using Broker.Cli.Output;

namespace Broker.Cli.Commands;

/// <summary><c>brokerctl cluster describe</c>: the cluster id, the active controller and the live brokers.</summary>
internal static class ClusterDescribeCommand
{
    public static Command Create(CommandHost host)
    {
        var command = new Command("describe", "Shows the cluster id, the active controller and the live brokers.");
        host.Bind(command, (context, _) => RunAsync(context));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context)
    {
        await using var admin = context.CreateAdmin();
        var cluster = await admin.DescribeClusterAsync(context.Cancellation);
        if (context.Json)
        {
            JsonLineWriter.WriteOne(context.Out, json =>
            {
                json.WriteString("cluster_id", cluster.ClusterId);
                json.WriteNumber("controller_id", cluster.ControllerId);
                json.WriteStartArray("brokers");
                foreach (var broker in cluster.Brokers)
                {
                    json.WriteStartObject();
                    json.WriteNumber("id", broker.NodeId);
                    json.WriteString("host", broker.Host);
                    json.WriteNumber("port", broker.Port);
                    json.WriteString("rack", broker.Rack);
                    json.WriteBoolean("controller", broker.NodeId == cluster.ControllerId);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            });
            return ExitCodes.Success;
        }

        var controller = cluster.ControllerId < 0 ? "none (election in progress)" : cluster.ControllerId.ToString(CultureInfo.InvariantCulture);
        context.Out.WriteLine($"Cluster id: {cluster.ClusterId ?? "(unknown)"}  Controller: {controller}");
        var table = Tables.Create(context.Console, "ID", "HOST", "PORT", "RACK", "ROLE");
        foreach (var broker in cluster.Brokers)
        {
            Tables.AddRow(table, broker.NodeId.ToString(CultureInfo.InvariantCulture), broker.Host,
                broker.Port.ToString(CultureInfo.InvariantCulture), broker.Rack ?? "-", broker.NodeId == cluster.ControllerId ? "controller" : "broker");
        }

        context.Console.Write(table);
        return ExitCodes.Success;
    }
}
