namespace Broker.Server.Groups;

/// <summary>The assignors the coordinator offers, by name.</summary>
public static class PartitionAssignors
{
    public static readonly IPartitionAssignor Uniform = new UniformAssignor();

    public static readonly IPartitionAssignor Range = new RangeAssignor();

    public static IPartitionAssignor? Find(string? name) => name switch
    {
        UniformAssignor.AssignorName => Uniform,
        RangeAssignor.AssignorName => Range,
        _ => null,
    };
}
