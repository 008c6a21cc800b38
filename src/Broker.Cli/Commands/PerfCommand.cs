using System.CommandLine;

namespace Broker.Cli.Commands;

/// <summary><c>brokerctl perf ...</c>: throughput and latency tests with the option names of Kafka's perf tools.</summary>
internal static class PerfCommand
{
    public static Command Create(CommandHost host) => new("perf", "Measures throughput (records/s, MB/s) and latency (p50-max, microseconds).")
    {
        PerfProduceCommand.Create(host),
        PerfConsumeCommand.Create(host),
        PerfE2eCommand.Create(host),
    };
}
