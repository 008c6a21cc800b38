using Broker.Raft;

namespace Broker.Simulation;

/// <summary>
/// Messages in flight, bucketed by delivery tick. Faults: loss and duplication when sent, delay and
/// reordering in flight, partitions checked when delivered (so a partition that forms cuts messages
/// already under way, as a broken link would).
/// </summary>
internal sealed class SimNetwork
{
    private readonly Random _random;
    private readonly SortedDictionary<long, List<Envelope>> _inFlight = [];
    private int[] _partitionOf = [];

    public SimNetwork(Random random, int nodeCountMax)
    {
        _random = random;
        _partitionOf = new int[nodeCountMax + 1];
    }

    public NetworkConditions Conditions { get; set; } = NetworkConditions.Calm;

    public bool IsPartitioned { get; private set; }

    /// <summary>Sends a message. A lost one still travels, marked lost, so the sender's transport can notice the
    /// failure when delivery would have happened (only snapshot senders are told; other losses are silent).</summary>
    public void Send(Message message, long now)
    {
        var lost = _random.NextDouble() < Conditions.LossProbability;
        Enqueue(new Envelope(message, lost), now);
        if (!lost && _random.NextDouble() < Conditions.DuplicateProbability)
        {
            Enqueue(new Envelope(message, Lost: false), now);
        }
    }

    /// <summary>Takes the messages due at <paramref name="now"/>, shuffled: messages due together arrive in any order.</summary>
    public List<Envelope> TakeDue(long now)
    {
        if (!_inFlight.Remove(now, out var due))
        {
            return [];
        }

        _random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(due));
        return due;
    }

    public bool CanReach(int from, int to) => _partitionOf[from] == _partitionOf[to];

    /// <summary>Splits the nodes in two at a random point of a random order (one side may be a single node).</summary>
    public void Partition(IReadOnlyList<int> nodes)
    {
        var shuffled = nodes.ToArray();
        _random.Shuffle(shuffled);
        var cut = 1 + _random.Next(shuffled.Length - 1);
        for (var i = 0; i < shuffled.Length; i++)
        {
            _partitionOf[shuffled[i]] = i < cut ? 1 : 2;
        }

        IsPartitioned = true;
    }

    /// <summary>Cuts one node off from all others.</summary>
    public void Isolate(int node)
    {
        _partitionOf[node] = 1;
        IsPartitioned = true;
    }

    /// <summary>Puts an envelope back in flight, due at <paramref name="at"/> (its receiver is paused until then).</summary>
    public void Hold(Envelope envelope, long at) => Enqueue(envelope, at - 1, exactDelay: 1);

    public void Heal()
    {
        Array.Clear(_partitionOf);
        IsPartitioned = false;
    }

    private void Enqueue(Envelope envelope, long now, int exactDelay = 0)
    {
        var delay = exactDelay > 0 ? exactDelay
            : _random.NextDouble() < Conditions.LongDelayProbability ? 1 + _random.Next(Conditions.LongDelayTicksMax)
            : 1 + _random.Next(Conditions.DelayTicksMax);
        if (!_inFlight.TryGetValue(now + delay, out var bucket))
        {
            bucket = [];
            _inFlight[now + delay] = bucket;
        }

        bucket.Add(envelope);
    }
}
