using Broker.Client.Internal;

namespace Broker.Client.Tests;

public class AsyncSignalTests
{
    [Fact]
    public async Task An_infinite_wait_lasts_until_the_signal_is_set()
    {
        // Regression: an infinite timeout (-1 ms) was treated as "do not wait", so the producer's sender spun.
        var signal = new AsyncSignal();
        var waiting = signal.WaitAsync(Timeout.InfiniteTimeSpan, CancellationToken.None).AsTask();
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);

        signal.Set();
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_finite_wait_ends_unset_after_its_timeout()
    {
        var signal = new AsyncSignal();
        Assert.False(await signal.WaitAsync(TimeSpan.FromMilliseconds(20), CancellationToken.None));
    }
}
