namespace Broker.Raft.Tests.Scenarios;

/// <summary>
/// A scenario file: commands (<c>&gt; command args</c>), each followed by the output it must produce.
/// Lines starting with <c>#</c> are comments and belong to the command after them; blank lines are ignored.
/// </summary>
internal sealed record ScenarioScript(IReadOnlyList<ScenarioStep> Steps)
{
    public static ScenarioScript Parse(string text)
    {
        var steps = new List<ScenarioStep>();
        var comments = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r', ' ');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                comments.Add(line);
            }
            else if (line.StartsWith("> ", StringComparison.Ordinal))
            {
                steps.Add(new ScenarioStep(comments.ToList(), line[2..].Trim(), []));
                comments.Clear();
            }
            else if (steps.Count > 0)
            {
                steps[^1].Expected.Add(line);
            }
            else
            {
                throw new FormatException($"Output line before any command: {line}");
            }
        }

        return new ScenarioScript(steps);
    }

    /// <summary>The script with <paramref name="actual"/> as each step's output, for rewriting a golden file.</summary>
    public string Render(IReadOnlyList<IReadOnlyList<string>> actual)
    {
        var lines = new List<string>();
        for (var i = 0; i < Steps.Count; i++)
        {
            if (Steps[i].Comments.Count > 0 && lines.Count > 0)
            {
                lines.Add("");
            }

            lines.AddRange(Steps[i].Comments);
            lines.Add("> " + Steps[i].Command);
            lines.AddRange(actual[i]);
        }

        return string.Join('\n', lines) + "\n";
    }
}
