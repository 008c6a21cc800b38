namespace Broker.Server.Groups;

/// <summary>
/// A server-side assignor: computes every member's target from the subscriptions and partition counts. Must be a
/// pure function of the spec (the same spec gives the same answer on every broker, in any member order), and must
/// give each partition of a subscribed topic to exactly one member subscribed to that topic.
/// </summary>
public interface IPartitionAssignor
{
    /// <summary>The name members ask for (<c>group.remote.assignor</c> on Kafka's clients).</summary>
    string Name { get; }

    /// <summary>The target of every member of the spec.</summary>
    IReadOnlyDictionary<string, TopicPartitionSet> Assign(AssignmentSpec spec);
}
