namespace Broker.Simulation;

/// <summary>A checker found the system in a state Raft forbids (or the run broke a liveness bound).</summary>
public sealed class InvariantViolation : Exception
{
    public InvariantViolation(string message)
        : base(message)
    {
    }

    public InvariantViolation()
    {
    }

    public InvariantViolation(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
