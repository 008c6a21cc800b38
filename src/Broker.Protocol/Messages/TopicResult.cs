using Broker.Core.Errors;

namespace Broker.Protocol.Messages;

/// <summary>
/// The outcome of an admin operation on one topic (DeleteTopics, CreatePartitions): name string | error_code int16
/// | error_message string (nullable).
/// </summary>
public readonly record struct TopicResult(string Name, ErrorCode ErrorCode, string? ErrorMessage = null)
{
    internal const int EncodedBytesMin = 2 + 2 + 2;

    internal static TopicResult Read(ref ProtocolReader reader) =>
        new(reader.ReadString(), (ErrorCode)reader.ReadInt16(), reader.ReadNullableString());

    internal void Write(ref ProtocolWriter writer)
    {
        writer.WriteString(Name);
        writer.WriteInt16((short)ErrorCode);
        writer.WriteString(ErrorMessage);
    }

    internal static TopicResult[] ReadArray(ref ProtocolReader reader)
    {
        var results = new TopicResult[reader.ReadArrayCount(EncodedBytesMin)];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = Read(ref reader);
        }

        return results;
    }

    internal static void WriteArray(ref ProtocolWriter writer, IReadOnlyList<TopicResult> results)
    {
        writer.WriteArrayCount(results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            results[i].Write(ref writer);
        }
    }
}
