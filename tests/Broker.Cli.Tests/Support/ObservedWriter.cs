using System.Text;

namespace Broker.Cli.Tests.Support;

/// <summary>
/// A standard output a test can read while brokerctl is still writing to it (a StringWriter is not safe for that),
/// to act once a command has printed something, e.g. press Ctrl+C after the first records.
/// </summary>
public sealed class ObservedWriter : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly Lock _lock = new();

    public override Encoding Encoding => Encoding.UTF8;

    public string Text
    {
        get
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }

    public int LineCount => Text.Count(c => c == '\n');

    public override void Write(char value)
    {
        lock (_lock)
        {
            _text.Append(value);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_lock)
        {
            _text.Append(buffer, index, count);
        }
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        lock (_lock)
        {
            _text.Append(buffer);
        }
    }

    public override void Write(string? value)
    {
        lock (_lock)
        {
            _text.Append(value);
        }
    }

    /// <summary>Waits until at least <paramref name="lines"/> lines were written; false if that took longer than <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForLinesAsync(int lines, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (LineCount < lines)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }
}
