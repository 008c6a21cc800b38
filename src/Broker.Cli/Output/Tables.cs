using Spectre.Console;
using Spectre.Console.Rendering;

namespace Broker.Cli.Output;

/// <summary>The one table style of brokerctl: rounded boxes on a terminal, plain ASCII when redirected.</summary>
internal static class Tables
{
    public static Table Create(IAnsiConsole console, params string[] headers)
    {
        var table = new Table { Border = console.Profile.Capabilities.Ansi ? TableBorder.Rounded : TableBorder.Ascii };
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header, new Style(decoration: Decoration.Bold))));
        }

        return table;
    }

    /// <summary>Adds a row of plain text: values from the broker are never read as Spectre markup.</summary>
    public static void AddRow(Table table, params string[] cells) =>
        table.AddRow(cells.Select(c => (IRenderable)new Text(c)).ToArray());
}
