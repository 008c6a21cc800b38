using System.Globalization;
using System.Text;
using Broker.Core;
using Broker.Core.Errors;

namespace Broker.Storage;

/// <summary>
/// A per-partition offset file in Kafka's text format, used for recovery-point-offset-checkpoint,
/// replication-offset-checkpoint and log-start-offset-checkpoint:
/// <code>
/// 0                 version
/// 2                 number of entries
/// orders 0 1234     topic, partition, offset; one line each
/// orders 1 99
/// </code>
/// Written atomically (<see cref="DurableFiles.WriteAtomically"/>): after a crash the file holds the previous or the new
/// entries, never a mix. Not thread-safe; the <see cref="LogManager"/> writes each file from one thread.
/// </summary>
public sealed class OffsetCheckpointFile
{
    public const int CurrentVersion = 0;

    public OffsetCheckpointFile(string path) => Path = path;

    public string Path { get; }

    public void Write(IEnumerable<KeyValuePair<TopicPartition, long>> offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        var entries = offsets.ToList();
        var text = new StringBuilder();
        text.Append(CurrentVersion.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append(entries.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var (partition, offset) in entries)
        {
            text.Append(partition.Topic).Append(' ')
                .Append(partition.Partition.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(offset.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        DurableFiles.WriteAtomically(Path, text.ToString());
    }

    /// <summary>Reads the file; an absent file is empty. A malformed file throws StorageError: guessing offsets
    /// could skip recovery of unflushed data.</summary>
    public Dictionary<TopicPartition, long> Read()
    {
        var result = new Dictionary<TopicPartition, long>();
        string[] lines;
        try
        {
            if (!File.Exists(Path))
            {
                return result;
            }

            lines = File.ReadAllLines(Path);
        }
        catch (Exception e) when (StorageErrors.IsIoFailure(e))
        {
            throw StorageErrors.Wrap(e, $"reading {Path}");
        }

        if (lines.Length < 2 || !int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version != CurrentVersion)
        {
            throw Malformed("bad version line");
        }

        if (!int.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count != lines.Length - 2)
        {
            throw Malformed($"count line says {lines[1]}, file has {lines.Length - 2} entries");
        }

        for (var i = 2; i < lines.Length; i++)
        {
            var parts = lines[i].Split(' ');
            if (parts.Length != 3
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
                || !long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var offset))
            {
                throw Malformed($"line {i + 1} is '{lines[i]}'");
            }

            result[new TopicPartition(parts[0], partition)] = offset;
        }

        return result;
    }

    private BrokerException Malformed(string why) => new(ErrorCode.StorageError, $"Malformed checkpoint file {Path}: {why}.");
}
