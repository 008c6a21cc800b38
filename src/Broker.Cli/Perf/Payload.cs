namespace Broker.Cli.Perf;

/// <summary>Record values for perf runs.</summary>
internal static class Payload
{
    /// <summary>
    /// Random upper-case letters, as Kafka's producer perf test sends: not a run of zeros that a codec would
    /// shrink to nothing, and printable if someone consumes the topic afterwards.
    /// </summary>
    public static byte[] RandomLetters(int size)
    {
        var bytes = new byte[size];
        var random = new Random(size);
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)('A' + random.Next(26));
        }

        return bytes;
    }
}
