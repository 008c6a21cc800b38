namespace Broker.Raft.Tests.Scenarios;

internal sealed record ScenarioStep(IReadOnlyList<string> Comments, string Command, List<string> Expected);
