using System.Globalization;

namespace Broker.Simulation;

/// <summary>
/// <code>
/// dotnet run --project tests/Broker.Simulation -- --seed N [--trace]      replay one seed (exactly)
/// dotnet run --project tests/Broker.Simulation -- --seeds N [--first-seed S]   run a batch
/// </code>
/// Exit code 0 when every seed passed, 1 when any failed (they are listed), 2 on bad arguments.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        int? seed = null;
        int seeds = 0, firstSeed = 1;
        var trace = false;
        var options = new SimulationOptions();
        var profileArguments = "";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seed" when i + 1 < args.Length:
                    seed = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--seeds" when i + 1 < args.Length:
                    seeds = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--first-seed" when i + 1 < args.Length:
                    firstSeed = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--bug" when i + 1 < args.Length:
                    // Plants a deliberate Raft violation (see PlantedBug) to watch the checkers catch it.
                    options = options with { PlantedBug = Enum.Parse<Broker.Raft.PlantedBug>(args[++i]) };
                    profileArguments += $" --bug {args[i]}";
                    break;
                case "--storm":
                    options = SimulationOptions.ElectionStorm with { PlantedBug = options.PlantedBug };
                    profileArguments += " --storm";
                    break;
                case "--trace":
                    trace = true;
                    break;
                default:
                    return Usage();
            }
        }

        if (seed is { } one)
        {
            var result = SeedRunner.RunOne(one, options, trace ? Console.WriteLine : null);
            Console.WriteLine(result);
            return result.Passed ? 0 : 1;
        }

        if (seeds <= 0)
        {
            return Usage();
        }

        var batch = SeedRunner.RunBatch(firstSeed, seeds, options);
        foreach (var failure in batch.Failures)
        {
            Console.WriteLine(failure);
            Console.WriteLine($"  replay: dotnet run --project tests/Broker.Simulation -- --seed {failure.Seed}{profileArguments} --trace");
        }

        Console.WriteLine(batch);
        return batch.Failures.Count == 0 ? 0 : 1;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: --seed N [--trace] | --seeds N [--first-seed S]; either with [--bug CountVotesFromOlderTerms|CommitOlderTermEntriesByCounting]");
        return 2;
    }
}
