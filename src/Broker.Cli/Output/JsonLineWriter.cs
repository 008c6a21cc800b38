using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Broker.Cli.Output;

/// <summary>
/// Writes JSON objects, one per line, to a text stream. The buffer and the Utf8JsonWriter are reused, so
/// <c>consume --output json</c> costs one string per record, not a writer and a buffer each.
/// </summary>
internal sealed class JsonLineWriter : IDisposable
{
    // Relaxed escaping keeps non-ASCII text readable ("é", not "\u00e9"); the output never lands in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly TextWriter _output;
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _json;

    public JsonLineWriter(TextWriter output)
    {
        _output = output;
        _json = new Utf8JsonWriter(_buffer, WriterOptions);
    }

    /// <summary>Writes the object <paramref name="writeProperties"/> fills, then a newline.</summary>
    public void WriteObject(Action<Utf8JsonWriter> writeProperties)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        writeProperties(_json);
        _json.WriteEndObject();
        _json.Flush();
        _output.WriteLine(Encoding.UTF8.GetString(_buffer.WrittenSpan));
    }

    /// <summary>One object to <paramref name="output"/>, for commands that print a single result.</summary>
    public static void WriteOne(TextWriter output, Action<Utf8JsonWriter> writeProperties)
    {
        using var writer = new JsonLineWriter(output);
        writer.WriteObject(writeProperties);
    }

    public void Dispose() => _json.Dispose();
}
