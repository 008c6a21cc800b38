namespace Broker.Core.Records;

/// <summary>
/// Arithmetic of an idempotent producer's sequence numbers, Kafka's: each record of a partition takes the next
/// sequence, a batch carries the first (baseSequence) and implies the last (baseSequence + lastOffsetDelta), and after
/// <see cref="int.MaxValue"/> the count wraps to 0. Pure; shared by the producer, which assigns them, and the broker,
/// which checks them.
/// </summary>
public static class ProducerSequence
{
    /// <summary>The sequence <paramref name="count"/> records after <paramref name="sequence"/> (wrapping).</summary>
    public static int Add(int sequence, long count)
    {
        System.Diagnostics.Debug.Assert(sequence >= 0 && count >= 0, "sequences and counts are never negative");
        return (int)((sequence + count) % ((long)int.MaxValue + 1));
    }

    /// <summary>How many records from <paramref name="from"/> to <paramref name="to"/> going forward (wrapping), in
    /// [0, int.MaxValue].</summary>
    public static long Distance(int from, int to)
    {
        var distance = (long)to - from;
        return distance >= 0 ? distance : distance + int.MaxValue + 1L;
    }

    /// <summary>The sequence of the last record of a batch starting at <paramref name="baseSequence"/>.</summary>
    public static int LastOf(int baseSequence, int lastOffsetDelta) => Add(baseSequence, lastOffsetDelta);
}
