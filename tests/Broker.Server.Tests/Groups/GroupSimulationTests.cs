using Broker.Server.Tests.Groups.Support;

namespace Broker.Server.Tests.Groups;

/// <summary>
/// The coordinator under random, seeded histories (see <see cref="GroupSimulation"/>). A failure message names its
/// seed; <see cref="One_seed"/> replays a single one while debugging.
/// </summary>
public sealed class GroupSimulationTests
{
    private const int Seeds = 400;
    private const int StepsPerSeed = 300;

    [Fact]
    public void Invariants_hold_after_every_step_of_many_random_histories()
    {
        for (var seed = 0; seed < Seeds; seed++)
        {
            new GroupSimulation(seed).Run(StepsPerSeed);
        }
    }

    [Theory]
    [InlineData(0)]
    public void One_seed(int seed)
    {
        var simulation = new GroupSimulation(seed);
        simulation.Run(StepsPerSeed);

        Assert.Equal(StepsPerSeed, simulation.Steps);
    }
}
