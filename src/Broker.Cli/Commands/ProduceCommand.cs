using System.CommandLine;
using System.Text;
using Broker.Cli.Output;
using Broker.Cli.Records;
using Broker.Client;

namespace Broker.Cli.Commands;

/// <summary>
/// <c>brokerctl produce TOPIC [--key K | --key-separator SEP] [--partition N] [--acks 0|1|all]</c>: one record per
/// line of stdin until EOF, then a flush and a summary. Any record that fails makes the exit code 1.
/// </summary>
internal static class ProduceCommand
{
    public static Command Create(CommandHost host)
    {
        var topic = new Argument<string>("topic") { Description = "The topic to write to." };
        var key = new Option<string?>("--key") { Description = "A key for every record (UTF-8). Records with one key go to one partition." };
        var separator = new Option<string?>("--key-separator")
        {
            Description = "Reads each line as KEY<SEP>VALUE (Kafka's parse.key); a line without SEP fails the command.",
            HelpName = "SEP",
        };
        var partition = CliOptions.AtLeast<int>("--partition", 0, "Writes every record to this partition instead of letting the partitioner choose.");
        var acks = CliOptions.Acks("--acks", "all");
        var compression = CliOptions.Compression();
        var command = new Command("produce", "Writes one record per stdin line (value = the line, UTF-8) until end of input, then prints a summary to stderr.")
        {
            topic, key, separator, partition, acks, compression,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(key) is not null && result.GetValue(separator) is not null)
            {
                result.AddError("--key and --key-separator cannot be combined.");
            }
        });
        host.Bind(command, (context, parse) => RunAsync(context, new ProduceSettings(
            parse.GetRequiredValue(topic),
            parse.GetValue(key) is { } fixedKey ? Encoding.UTF8.GetBytes(fixedKey) : null,
            parse.GetValue(separator),
            parse.GetResult(partition) is null ? null : parse.GetValue(partition),
            context.Configure(new ProducerOptions
            {
                Acks = CliOptions.ParseAcks(parse.GetValue(acks)),
                Compression = CliOptions.ParseCompression(parse.GetValue(compression)),
            }))));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, ProduceSettings settings)
    {
        await using (var admin = context.CreateAdmin())
        {
            // Fails at once on a missing topic or partition; the producer would wait MaxBlock (60 s) for metadata.
            TopicLookup.Partitions(await TopicLookup.DescribeAsync(admin, settings.Topic, context.Cancellation), settings.Partition);
        }

        var tally = new DeliveryTally();
        long lines = 0;
        var cancelled = false;
        CliException? inputError = null;
        await using (var producer = new Producer(settings.Options))
        {
            try
            {
                while (await ReadLineAsync(context.In, context.Cancellation) is { } line)
                {
                    lines++;
                    var (recordKey, value) = InputLine.Parse(line, lines, settings.Key, settings.KeySeparator);
                    producer.Produce(settings.Topic, new Message(recordKey, value) { Partition = settings.Partition }, tally.CallbackFor(lines));
                }
            }
            catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
            {
                cancelled = true; // Ctrl+C: what was read is still delivered below, then the exit code says 130
            }
            catch (CliException e)
            {
                lines--; // the bad line was not produced
                inputError = e;
            }

            await producer.FlushAsync(CancellationToken.None);
        }

        // A failure is the one line of the error, with what was delivered in it; the summary line is for success (and
        // JSON, which reports both counts).
        if (context.Json || (inputError is null && tally.Failed == 0))
        {
            Report(context, settings.Topic, tally);
        }

        if (inputError is not null)
        {
            throw new CliException($"{inputError.Message}; the {tally.Delivered} records before it were delivered{(tally.Failed > 0 ? $", {tally.Failed} were not: {tally.FirstError}" : string.Empty)}", inputError.ExitCode);
        }

        if (tally.Failed > 0)
        {
            throw new CliException($"{tally.Failed} of {lines} records were not delivered ({tally.Delivered} were): {tally.FirstError}");
        }

        return cancelled ? ExitCodes.Cancelled : ExitCodes.Success;
    }

    /// <summary>
    /// Reads a line without blocking cancellation: a read from a terminal cannot be interrupted, so on Ctrl+C it is
    /// abandoned (the process is about to exit) instead of awaited.
    /// </summary>
    private static async Task<string?> ReadLineAsync(TextReader input, CancellationToken cancellationToken) =>
        await input.ReadLineAsync(cancellationToken).AsTask().WaitAsync(cancellationToken);

    private static void Report(CommandContext context, string topic, DeliveryTally tally)
    {
        if (context.Json)
        {
            JsonLineWriter.WriteOne(context.Out, json =>
            {
                json.WriteString("topic", topic);
                json.WriteNumber("records", tally.Delivered);
                json.WriteNumber("failed", tally.Failed);
                json.WriteNumber("last_partition", tally.Last?.Partition ?? -1);
                json.WriteNumber("last_offset", tally.Last?.Offset ?? -1);
            });
            return;
        }

        var last = tally.Last switch
        {
            null => string.Empty,
            { Offset: < 0 } => " (offsets are not reported with acks=0)",
            var (partition, offset) => $" (last at partition {partition}, offset {offset})",
        };
        context.Error.WriteLine($"Produced {tally.Delivered} records to {topic}{last}{(tally.Failed > 0 ? $"; {tally.Failed} failed" : string.Empty)}.");
    }

    private sealed record ProduceSettings(string Topic, byte[]? Key, string? KeySeparator, int? Partition, ProducerOptions Options);
}
