using Broker.Core.Errors;

namespace Broker.Core;

/// <summary>A partition of a topic: the unit of ordering, storage and replication.</summary>
public readonly record struct TopicPartition(string Topic, int Partition)
{
    /// <summary>Kafka's limit: the directory name "topic-partition" must fit a 255-byte file name.</summary>
    public const int TopicNameCharsMax = 249;

    public override string ToString() => $"{Topic}-{Partition}";

    /// <summary>
    /// Checks a topic name as Kafka does: 1 to 249 characters of [a-zA-Z0-9._-], and not "." or "..".
    /// The names become directory names, so this is also what keeps a name from escaping the data directory.
    /// </summary>
    public static void ValidateTopicName(string? topic)
    {
        if (string.IsNullOrEmpty(topic))
        {
            throw new BrokerException(ErrorCode.InvalidTopic, "Topic name is empty.");
        }

        if (topic.Length > TopicNameCharsMax)
        {
            throw new BrokerException(ErrorCode.InvalidTopic, $"Topic name is {topic.Length} characters; the limit is {TopicNameCharsMax}.");
        }

        if (topic is "." or "..")
        {
            throw new BrokerException(ErrorCode.InvalidTopic, $"Topic name '{topic}' is not allowed.");
        }

        foreach (var c in topic)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                throw new BrokerException(ErrorCode.InvalidTopic, $"Topic name '{topic}' has '{c}'; allowed are ASCII letters, digits, '.', '_' and '-'.");
            }
        }
    }
}
