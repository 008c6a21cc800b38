namespace Broker.Protocol.Messages.FindCoordinator;

/// <summary>
/// FindCoordinator v0: key string | key_type int8. Any broker answers it: which broker coordinates the group
/// <see cref="Key"/> (the leader of its partition of __consumer_offsets). A client sends every other group request
/// there and asks again on NOT_COORDINATOR or COORDINATOR_NOT_AVAILABLE.
/// </summary>
public sealed class FindCoordinatorRequest : IRequestMessage<FindCoordinatorRequest>
{
    public static ApiKey ApiKey => ApiKey.FindCoordinator;

    /// <summary>The group id.</summary>
    public required string Key { get; init; }

    /// <summary>What <see cref="Key"/> names. The server refuses a type it does not know with INVALID_REQUEST.</summary>
    public CoordinatorType KeyType { get; init; }

    public static FindCoordinatorRequest Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.FindCoordinator, version);
        return new FindCoordinatorRequest { Key = reader.ReadString(), KeyType = (CoordinatorType)reader.ReadInt8() };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.FindCoordinator, version);
        writer.WriteString(Key);
        writer.WriteInt8((sbyte)KeyType);
    }
}
