namespace Broker.Cli;

/// <summary>How a command prints its result: tables and sentences for people, or JSON for scripts.</summary>
internal enum OutputFormat
{
    Text = 0,

    /// <summary>One JSON object per result (per record for <c>consume</c>), one per line, on stdout.</summary>
    Json = 1,
}
