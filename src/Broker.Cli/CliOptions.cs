using System.CommandLine;
using System.Globalization;
using Broker.Core.Compression;
using Broker.Protocol.Messages.Produce;

namespace Broker.Cli;

/// <summary>Options several commands share, built the same way everywhere, and the parsing of their values.</summary>
internal static class CliOptions
{
    /// <summary>A repeatable KEY=VALUE option; a token without '=' or with an empty key is a usage error.</summary>
    public static Option<string[]> KeyValues(string name, string description)
    {
        var option = new Option<string[]>(name)
        {
            Description = description,
            HelpName = "KEY=VALUE",
            Arity = ArgumentArity.OneOrMore,
            DefaultValueFactory = _ => [],
        };
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.IndexOf('=', StringComparison.Ordinal) <= 0)
                {
                    result.AddError($"{name} expects KEY=VALUE; '{token.Value}' is not.");
                }
            }
        });
        return option;
    }

    /// <summary>Splits validated KEY=VALUE tokens; a later occurrence of a key wins, as it would on a command line.</summary>
    public static Dictionary<string, string?> ParseKeyValues(IEnumerable<string> tokens)
    {
        var pairs = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            var split = token.IndexOf('=', StringComparison.Ordinal);
            pairs[token[..split].Trim()] = token[(split + 1)..];
        }

        return pairs;
    }

    /// <summary>Kafka's acks spellings: 0, 1, all (or -1).</summary>
    public static Option<string> Acks(string name, string defaultValue)
    {
        var option = new Option<string>(name)
        {
            Description = "Replicas that must have a record before it counts as delivered: 0, 1 or all.",
            DefaultValueFactory = _ => defaultValue,
        };
        option.AcceptOnlyFromAmong("0", "1", "all", "-1");
        return option;
    }

    public static ProduceAcks ParseAcks(string? value) => value switch
    {
        "0" => ProduceAcks.None,
        "1" => ProduceAcks.Leader,
        _ => ProduceAcks.All,
    };

    public static Option<string> Compression()
    {
        var option = new Option<string>("--compression")
        {
            Description = "Batch codec: none, gzip, lz4 or zstd (snappy is not supported).",
            DefaultValueFactory = _ => "none",
        };
        option.AcceptOnlyFromAmong("none", "gzip", "lz4", "zstd");
        return option;
    }

    public static CompressionType ParseCompression(string? value) => value switch
    {
        "gzip" => CompressionType.Gzip,
        "lz4" => CompressionType.Lz4,
        "zstd" => CompressionType.Zstd,
        _ => CompressionType.None,
    };

    /// <summary>An integer option that must be at least <paramref name="minimum"/>.</summary>
    public static Option<T> AtLeast<T>(string name, T minimum, string description, T? defaultValue = null, bool required = false)
        where T : struct, IComparable<T>, IParsable<T>
    {
        var option = new Option<T>(name) { Description = description, Required = required };
        if (defaultValue is T value)
        {
            option.DefaultValueFactory = _ => value;
        }

        option.Validators.Add(result =>
        {
            // Only values typed on the command line: a token that is not a number already has its parse error.
            if (result.Tokens.Count == 1 && T.TryParse(result.Tokens[0].Value, CultureInfo.InvariantCulture, out var given) && given.CompareTo(minimum) < 0)
            {
                result.AddError($"{name} must be at least {minimum}.");
            }
        });
        return option;
    }

    /// <summary>
    /// Kafka's <c>--warmup-records</c> (KIP-1052) for the perf commands: the first N records are sent like the rest
    /// but left out of the steady-state figures, since the JIT tiers the hot code up while they run. At least 0, and
    /// below <paramref name="records"/>, so a run always has a steady state to report.
    /// </summary>
    public static Option<long> WarmupRecords(Option<long> records)
    {
        var option = AtLeast<long>("--warmup-records", 0,
            "Records at the start of the run that are sent like the others but left out of the steady-state figures (Kafka's KIP-1052); "
                + "the report shows the whole run and the steady state.",
            0);
        option.Validators.Add(result =>
        {
            // Only values typed on the command line; a missing or unparsable --num-records has its own error.
            if (result.Tokens.Count == 1 && long.TryParse(result.Tokens[0].Value, CultureInfo.InvariantCulture, out var warmup)
                && result.GetResult(records) is { Tokens: [var recordsToken] }
                && long.TryParse(recordsToken.Value, CultureInfo.InvariantCulture, out var total)
                && warmup >= total)
            {
                result.AddError($"--warmup-records must be less than --num-records ({warmup} >= {total}): a run needs records left to measure.");
            }
        });
        return option;
    }
}
