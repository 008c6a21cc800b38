using Broker.Core.Errors;
using Broker.Protocol.Messages.Produce;

namespace Broker.Client.Producing;

/// <summary>What the broker said about one partition of a produce request.</summary>
internal readonly record struct PartitionOutcome(ErrorCode Error, string? ErrorMessage, long BaseOffset, long LogAppendTimeMs)
{
    /// <summary>acks=0: no response, so no offsets.</summary>
    public static PartitionOutcome Unacknowledged => new(ErrorCode.None, null, -1, -1);

    public static PartitionOutcome Failed(ErrorCode error, string? message) => new(error, message, -1, -1);

    /// <summary>The partition's entry in <paramref name="response"/>; a missing entry or a whole-request error fails it.</summary>
    public static PartitionOutcome From(ProduceResponse response, string topic, int partition)
    {
        if (response.ErrorCode != ErrorCode.None)
        {
            return Failed(response.ErrorCode, null);
        }

        foreach (var t in response.Topics)
        {
            if (!string.Equals(t.Name, topic, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var p in t.Partitions)
            {
                if (p.PartitionIndex == partition)
                {
                    return new PartitionOutcome(p.ErrorCode, p.ErrorMessage, p.BaseOffset, p.LogAppendTimeMs);
                }
            }
        }

        return Failed(ErrorCode.UnknownServerError, $"The broker's response has no entry for {topic}-{partition}.");
    }
}
