using Broker.Core.Errors;
using Broker.Server.Hosting;

try
{
    BrokerHost.ConfigureProcess(args);
    await using var host = BrokerHost.Create(args);
    await host.RunAsync();
    return 0;
}
catch (Exception e) when (e is BrokerException or FileNotFoundException or IOException)
{
    // Operating errors at startup (bad config, data directory of another node, disk): one line, non-zero exit.
    Console.Error.WriteLine($"broker: {e.Message}");
    return 1;
}
