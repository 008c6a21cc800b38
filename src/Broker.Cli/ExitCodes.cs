namespace Broker.Cli;

/// <summary>The process exit codes brokerctl promises scripts (docs/cli.md lists them).</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>An operating error: the broker refused, a connection failed, a record was not delivered.</summary>
    public const int Failure = 1;

    /// <summary>The command line does not parse or names an impossible combination.</summary>
    public const int Usage = 2;

    /// <summary>A bug in brokerctl itself (BSD sysexits' EX_SOFTWARE), so scripts can tell it from a broker error.</summary>
    public const int InternalError = 70;

    /// <summary>Stopped by Ctrl+C before finishing: 128 + SIGINT, as shells report it.</summary>
    public const int Cancelled = 130;
}
