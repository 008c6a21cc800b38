using System.Text.Json;

namespace Broker.Cli.Output;

/// <summary>Writing values that may be absent: scripts get <c>null</c>, never a sentinel such as -1 to know about.</summary>
internal static class JsonWriterExtensions
{
    public static void WriteNumberOrNull(this Utf8JsonWriter json, string name, long? value)
    {
        if (value is long number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
