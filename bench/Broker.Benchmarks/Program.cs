BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Broker.Benchmarks.BenchmarksEntry).Assembly).Run(args);

namespace Broker.Benchmarks
{
    /// <summary>Names this assembly for the switcher (Program is ambiguous: the server's is visible here too).</summary>
    public static class BenchmarksEntry;
}
