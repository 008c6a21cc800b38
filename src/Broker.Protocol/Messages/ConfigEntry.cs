namespace Broker.Protocol.Messages;

/// <summary>
/// A configuration key and value: name string | value string (nullable). In CreateTopics a topic override; in
/// AlterConfigs a change, where a null value removes the override so the key reverts to its default.
/// </summary>
public readonly record struct ConfigEntry(string Name, string? Value)
{
    internal const int EncodedBytesMin = 2 + 2;

    internal static ConfigEntry Read(ref ProtocolReader reader) => new(reader.ReadString(), reader.ReadNullableString());

    internal void Write(ref ProtocolWriter writer)
    {
        writer.WriteString(Name);
        writer.WriteString(Value);
    }

    internal static ConfigEntry[] ReadArray(ref ProtocolReader reader)
    {
        var entries = new ConfigEntry[reader.ReadArrayCount(EncodedBytesMin)];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = Read(ref reader);
        }

        return entries;
    }

    internal static void WriteArray(ref ProtocolWriter writer, IReadOnlyList<ConfigEntry> entries)
    {
        writer.WriteArrayCount(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            entries[i].Write(ref writer);
        }
    }
}
