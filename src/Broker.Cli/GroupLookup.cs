using Broker.Client;
using Broker.Client.Admin;
using Broker.Core.Errors;

namespace Broker.Cli;

/// <summary>Finds a consumer group before a command uses it, so a missing group fails with one line that names it.</summary>
internal static class GroupLookup
{
    /// <summary>The group's description; a group that does not exist is an operating error (GROUP_ID_NOT_FOUND).</summary>
    public static async Task<GroupDescription> DescribeAsync(AdminClient admin, string group, CancellationToken cancellationToken) =>
        await TryDescribeAsync(admin, group, cancellationToken).ConfigureAwait(false) ?? throw NotFound(group);

    /// <summary>The group's description, or null when the group does not exist.</summary>
    public static async Task<GroupDescription?> TryDescribeAsync(AdminClient admin, string group, CancellationToken cancellationToken)
    {
        await RequireClusterAsync(admin, cancellationToken).ConfigureAwait(false);
        try
        {
            return (await admin.DescribeGroupsAsync([group], cancellationToken).ConfigureAwait(false))[0];
        }
        catch (AdminOperationException e) when (e.Code == ErrorCode.GroupIdNotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Fails at once when no broker answers. The group requests go to a coordinator found by FindCoordinator, which the
    /// client retries for its whole operation timeout (30 s) when nothing answers; a metadata request does not.
    /// </summary>
    public static Task RequireClusterAsync(AdminClient admin, CancellationToken cancellationToken) => admin.DescribeClusterAsync(cancellationToken);

    public static CliException NotFound(string group) => new($"group '{group}' does not exist (GROUP_ID_NOT_FOUND)");
}
