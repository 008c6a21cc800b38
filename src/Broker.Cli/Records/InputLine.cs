using System.Text;

namespace Broker.Cli.Records;

/// <summary>Turns one line of <c>produce</c>'s input into a key and a value (Kafka's console producer parse.key).</summary>
internal static class InputLine
{
    /// <summary>
    /// With a separator, the key is the text before its first occurrence and the value the rest; a line without it
    /// is an error, as in Kafka, because guessing would put records in the wrong partition.
    /// </summary>
    public static (byte[]? Key, byte[] Value) Parse(string line, long lineNumber, byte[]? fixedKey, string? keySeparator)
    {
        if (string.IsNullOrEmpty(keySeparator))
        {
            return (fixedKey, Encoding.UTF8.GetBytes(line));
        }

        var split = line.IndexOf(keySeparator, StringComparison.Ordinal);
        if (split < 0)
        {
            throw new CliException($"line {lineNumber} has no key separator '{keySeparator}'");
        }

        return (Encoding.UTF8.GetBytes(line[..split]), Encoding.UTF8.GetBytes(line[(split + keySeparator.Length)..]));
    }
}
