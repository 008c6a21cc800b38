namespace Broker.Simulation;

/// <summary>How hostile the simulated network currently is. Probabilities are per message.</summary>
internal sealed record NetworkConditions
{
    public double LossProbability { get; init; }

    public double DuplicateProbability { get; init; }

    /// <summary>Delivery happens 1..DelayTicksMax ticks after sending; different delays reorder messages.</summary>
    public int DelayTicksMax { get; init; } = 2;

    /// <summary>A few messages are held far longer, so answers from an old term can arrive in a new one.</summary>
    public double LongDelayProbability { get; init; }

    public int LongDelayTicksMax { get; init; } = 40;

    public static NetworkConditions Calm { get; } = new();
}
