using Broker.Client;

namespace Broker.Cli.Perf;

/// <summary>
/// The two phases of a perf run with <c>--warmup-records</c>, as one producer (or one run) sees them: the first
/// <see cref="WarmupRecords"/> records count in <see cref="Warmup"/>, the rest in <see cref="SteadyState"/>, and the
/// first delivery error is kept for the run's one-line reason. Thread-safe, as <see cref="PhaseTally"/> is.
/// </summary>
internal sealed class PerfPhases(long warmupRecords)
{
    private string? _firstError;

    public long WarmupRecords => warmupRecords;

    public PhaseTally Warmup { get; private init; } = new();

    public PhaseTally SteadyState { get; private init; } = new();

    /// <summary>Records whose outcome is known, both phases.</summary>
    public long Done => Warmup.Done + SteadyState.Done;

    public long Succeeded => Warmup.Succeeded + SteadyState.Succeeded;

    public long Failed => Warmup.Failed + SteadyState.Failed;

    public string? FirstError => Volatile.Read(ref _firstError);

    /// <summary>Where the outcome of record <paramref name="index"/> (in send order) counts.</summary>
    public PhaseTally For(long index) => index < warmupRecords ? Warmup : SteadyState;

    /// <summary>Counts a record that failed in <paramref name="tally"/> (one of this run's two) and keeps its reason if
    /// it is the first.</summary>
    public void Fail(PhaseTally tally, DeliveryReport report)
    {
        tally.Fail();
        Interlocked.CompareExchange(ref _firstError, report.ErrorMessage ?? report.Error.ToString(), null);
    }

    /// <summary>Both phases together: the whole run.</summary>
    public PhaseTally WholeRun() => PhaseTally.Merge([Warmup, SteadyState]);

    /// <summary>Several producers' phases as one run's (their warm-up records add up).</summary>
    public static PerfPhases Merge(IReadOnlyCollection<PerfPhases> producers)
    {
        ArgumentNullException.ThrowIfNull(producers);
        return new PerfPhases(producers.Sum(p => p.WarmupRecords))
        {
            Warmup = PhaseTally.Merge(producers.Select(p => p.Warmup)),
            SteadyState = PhaseTally.Merge(producers.Select(p => p.SteadyState)),
            _firstError = producers.Select(p => p.FirstError).FirstOrDefault(e => e is not null),
        };
    }
}
