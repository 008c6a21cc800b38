using System.Runtime.CompilerServices;

namespace Broker.Raft.Tests.Scenarios;

/// <summary>
/// Runs a script from testdata/ and compares every step's output with the expected lines. With the
/// environment variable RAFT_SCENARIO_REWRITE=1 it writes the actual output back to the source file
/// instead (then review the diff: a golden file is only as good as its review).
/// </summary>
internal static class ScenarioRunner
{
    public static void Run(string fileName, [CallerFilePath] string callerPath = "")
    {
        var path = Path.Combine(AppContext.BaseDirectory, "testdata", fileName);
        var script = ScenarioScript.Parse(File.ReadAllText(path));
        var interpreter = new ScenarioInterpreter();
        var actual = new List<IReadOnlyList<string>>();
        foreach (var step in script.Steps)
        {
            actual.Add(interpreter.Execute(step.Command));
        }

        if (Environment.GetEnvironmentVariable("RAFT_SCENARIO_REWRITE") == "1")
        {
            File.WriteAllText(Path.Combine(Path.GetDirectoryName(callerPath)!, "..", "testdata", fileName), script.Render(actual));
            return;
        }

        for (var i = 0; i < script.Steps.Count; i++)
        {
            var step = script.Steps[i];
            Assert.True(
                step.Expected.SequenceEqual(actual[i]),
                $"{fileName}, step {i + 1} `{step.Command}`:\nexpected:\n  {string.Join("\n  ", step.Expected)}\nactual:\n  {string.Join("\n  ", actual[i])}");
        }
    }
}
