using System.Runtime.InteropServices;
using System.Text;
using Broker.Cli;
using Broker.Client;

// The process entry: real streams and Ctrl+C. Everything else is in BrokerCtl so tests run it in-process.
// Socket completions on the runtime's socket threads, before anything opens a socket (ClientProcess).
ClientProcess.PreferInlineSocketCompletions();
using var cancellation = new CancellationTokenSource();
var signalled = 0;

// The first SIGINT (Ctrl+C) or SIGTERM stops the command cleanly (consume prints its total, produce flushes); a
// second one gets the default action and kills the process. Cancel runs on the thread pool, not in the signal
// callback, so the command's continuations never run inside it.
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopOnce);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopOnce);

// Buffered stdout: Console.Out flushes every line, which caps consume at a few MB/s. Commands flush before waiting.
var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
await using var stdout = new StreamWriter(Console.OpenStandardOutput(), utf8, 64 * 1024) { AutoFlush = false };
// A stream reader over stdin can be abandoned on Ctrl+C; Console.In's reads block the calling thread.
using var stdin = new StreamReader(Console.OpenStandardInput(), utf8, detectEncodingFromByteOrderMarks: false, 64 * 1024);
var streams = new CliStreams(stdin, stdout, Console.Error, !Console.IsOutputRedirected, !Console.IsErrorRedirected);
return await BrokerCtl.RunAsync(args, streams, cancellation.Token);

void StopOnce(PosixSignalContext signal)
{
    if (Interlocked.Exchange(ref signalled, 1) == 0)
    {
        signal.Cancel = true;
        _ = Task.Run(cancellation.Cancel);
    }
}
