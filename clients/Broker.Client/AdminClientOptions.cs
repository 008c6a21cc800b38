namespace Broker.Client;

/// <summary>Settings of an <see cref="AdminClient"/>.</summary>
public sealed class AdminClientOptions : ClientOptions
{
    /// <summary>How long the controller may take to apply a topic change before answering REQUEST_TIMED_OUT (30 s).</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public override void Validate()
    {
        base.Validate();
        RequirePositive(OperationTimeout, nameof(OperationTimeout));
    }
}
