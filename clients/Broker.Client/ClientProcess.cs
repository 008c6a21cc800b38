namespace Broker.Client;

/// <summary>
/// Process-wide runtime settings an application may opt into for the client's sake, once, first thing in <c>Main</c>.
/// </summary>
public static class ClientProcess
{
    /// <summary>The .NET runtime's switch for running socket completions inline on its socket threads (Linux).</summary>
    public const string InlineSocketCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Asks the runtime to run socket completions on its socket threads (one per core) instead of queueing each to the
    /// thread pool, unless the environment already says otherwise. The client's connections then read a response and
    /// take it in (Fetch, Produce and its delivery callbacks) on the thread that saw the socket readable: one thread
    /// wake-up per response instead of two or three. With <see cref="Consumer.Consume(TimeSpan, CancellationToken)"/>
    /// on a thread of its own, a paced producer and consumer used a quarter less CPU and half the context switches
    /// (bench/RESULTS.md). It applies to every socket of the process, so the application's own socket continuations
    /// must not block either. The runtime reads the variable once, when the process opens its first socket: call this
    /// before anything opens one. brokerctl calls it; the broker sets the same variable.
    /// </summary>
    /// <returns>Whether inline completions are asked for (by this call or by the environment).</returns>
    public static bool PreferInlineSocketCompletions()
    {
        var current = Environment.GetEnvironmentVariable(InlineSocketCompletionsVariable);
        if (current is null)
        {
            Environment.SetEnvironmentVariable(InlineSocketCompletionsVariable, "1");
            return true;
        }

        return current == "1" || current.Equals("true", StringComparison.OrdinalIgnoreCase);
    }
}
