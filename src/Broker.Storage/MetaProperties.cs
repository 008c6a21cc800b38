using System.Globalization;
using System.Text;
using Broker.Core.Errors;

namespace Broker.Storage;

/// <summary>
/// <c>&lt;data-dir&gt;/meta.properties</c>: which cluster and node a data directory belongs to, in Kafka's
/// java-properties form (<c>version=1</c>, <c>cluster.id=...</c>, <c>node.id=...</c>). It keeps a directory
/// from being mounted under the wrong node id. Written atomically once, when the directory is first formatted.
/// </summary>
public sealed record MetaProperties(string ClusterId, int NodeId)
{
    public const int CurrentVersion = 1;

    /// <summary>A new random cluster id: 16 random bytes, URL-safe base64 without padding (Kafka's Uuid form).</summary>
    public static string NewClusterId() =>
        Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string FilePath(string dataDirectory) => Path.Combine(dataDirectory, LogFileNames.MetaProperties);

    public void Write(string dataDirectory)
    {
        var text = new StringBuilder()
            .Append("# Written by the broker when this data directory was formatted. Do not edit.\n")
            .Append("version=").Append(CurrentVersion.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("cluster.id=").Append(ClusterId).Append('\n')
            .Append("node.id=").Append(NodeId.ToString(CultureInfo.InvariantCulture)).Append('\n');
        DurableFiles.WriteAtomically(FilePath(dataDirectory), text.ToString());
    }

    /// <summary>Reads the file, or returns null when it does not exist. A file without a version, cluster id or
    /// node id throws StorageError.</summary>
    public static MetaProperties? Read(string dataDirectory)
    {
        var path = FilePath(dataDirectory);
        string[] lines;
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (StorageErrors.IsIoFailure(e))
        {
            throw StorageErrors.Wrap(e, $"reading {path}");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (line.StartsWith('#') || eq <= 0)
            {
                continue;
            }

            values[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }

        if (!values.TryGetValue("version", out var version) || version != CurrentVersion.ToString(CultureInfo.InvariantCulture)
            || !values.TryGetValue("cluster.id", out var clusterId) || clusterId.Length == 0
            || !values.TryGetValue("node.id", out var nodeText)
            || !int.TryParse(nodeText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var nodeId))
        {
            throw new BrokerException(ErrorCode.StorageError, $"{path} lacks version={CurrentVersion}, cluster.id or node.id.");
        }

        return new MetaProperties(clusterId, nodeId);
    }
}
