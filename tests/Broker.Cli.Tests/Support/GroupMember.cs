using Broker.Client;

namespace Broker.Cli.Tests.Support;

/// <summary>
/// A live member of a consumer group, made with the client library, for tests that need a group with members. It
/// commits only what a test tells it to (no auto-commit), so the group's offsets are known exactly.
/// </summary>
public sealed class GroupMember : IAsyncDisposable
{
    private static readonly TimeSpan WaitMax = TimeSpan.FromSeconds(60);

    public GroupMember(string bootstrap, string group, string topic, string clientId = "test-member")
    {
        Consumer = new Consumer(new ConsumerOptions
        {
            BootstrapServers = bootstrap,
            ClientId = clientId,
            GroupId = group,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        });
        Consumer.Subscribe([topic]);
    }

    public Consumer Consumer { get; }

    public List<ConsumeResult> Records { get; } = [];

    /// <summary>Consumes until the member owns <paramref name="partitions"/> partitions and has read <paramref name="records"/> records.</summary>
    public async Task ConsumeUntilAsync(int partitions, int records)
    {
        var deadline = DateTime.UtcNow + WaitMax;
        while (Consumer.Assignment.Count < partitions || Records.Count < records)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"After {WaitMax}: {Consumer.Assignment.Count} partitions owned, {Records.Count} records read.");
            }

            if (await Consumer.ConsumeAsync(TimeSpan.FromMilliseconds(100)) is { } record)
            {
                Records.Add(record);
            }
        }
    }

    /// <summary>Leaves the group (without committing: auto-commit is off).</summary>
    public ValueTask DisposeAsync() => Consumer.DisposeAsync();
}
