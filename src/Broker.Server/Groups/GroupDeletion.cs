using Broker.Core.Errors;

namespace Broker.Server.Groups;

/// <summary>The outcome of deleting one group: NONE, GROUP_ID_NOT_FOUND, or NON_EMPTY_GROUP while it has members.</summary>
public sealed record GroupDeletion(string GroupId, ErrorCode Error);
