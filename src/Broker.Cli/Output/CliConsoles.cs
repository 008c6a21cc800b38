using Spectre.Console;

namespace Broker.Cli.Output;

/// <summary>Spectre consoles over brokerctl's streams, decided by whether the stream is a terminal, not guessed.</summary>
internal static class CliConsoles
{
    /// <summary>
    /// Width for output that is not a terminal. Spectre would assume 80 columns and wrap table cells, which breaks
    /// scripts that cut columns; 240 fits every table brokerctl prints (a describe row of a 10-replica partition).
    /// </summary>
    private const int RedirectedWidth = 240;

    public static IAnsiConsole Create(TextWriter writer, bool isTerminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        if (!isTerminal)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
