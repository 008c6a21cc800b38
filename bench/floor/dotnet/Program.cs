using System.Globalization;
using Broker.E2eFloor;

// usage:
//   e2e-floor shaped [RATE] [SECONDS] [WARMUP_SECONDS]
//   e2e-floor broker-probe PORT TOPIC [RATE] [SECONDS] [WARMUP_SECONDS]
// Prints one JSON line: the latency from each record's due time to its arrival at the consumer, in microseconds.
static double Arg(string[] args, int index, double fallback) =>
    args.Length > index ? double.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

switch (args.FirstOrDefault())
{
    case "shaped":
    {
        var rate = Arg(args, 1, 50_000);
        Console.WriteLine(ShapedFloor.RunClient(rate, (long)(rate * Arg(args, 2, 15)), (long)(rate * Arg(args, 3, 5))));
        return 0;
    }

    case "shaped-server":
        await ShapedServer.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture), args[2]);
        return 0;

    case "broker-probe" when args.Length >= 3:
    {
        var rate = Arg(args, 3, 50_000);
        Console.WriteLine(BrokerProbe.Run(int.Parse(args[1], CultureInfo.InvariantCulture), args[2], rate,
            (long)(rate * Arg(args, 4, 15)), (long)(rate * Arg(args, 5, 5))));
        return 0;
    }

    default:
        Console.Error.WriteLine("usage: e2e-floor shaped [RATE] [SECONDS] [WARMUP_SECONDS]");
        Console.Error.WriteLine("       e2e-floor broker-probe PORT TOPIC [RATE] [SECONDS] [WARMUP_SECONDS]");
        return 2;
}
