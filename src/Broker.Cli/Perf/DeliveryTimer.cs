using Broker.Client;

namespace Broker.Cli.Perf;

/// <summary>
/// Carries one in-flight record's intended send time to its delivery callback. Pooled by
/// <see cref="ProducePerfWorker"/> with its callback delegate created once, so timing a record allocates nothing.
/// </summary>
internal sealed class DeliveryTimer
{
    public DeliveryTimer(ProducePerfWorker owner)
    {
        Callback = report => owner.Complete(this, report);
        Tally = owner.Phases.SteadyState;
    }

    /// <summary>Stopwatch ticks at which the record was meant to be sent.</summary>
    public long IntendedTicks { get; set; }

    /// <summary>Where the record's outcome counts: the warm-up or the steady state.</summary>
    public PhaseTally Tally { get; set; }

    public Action<DeliveryReport> Callback { get; }
}
