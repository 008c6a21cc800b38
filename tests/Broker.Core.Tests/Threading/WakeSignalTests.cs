using Broker.Core.Threading;

namespace Broker.Core.Tests.Threading;

/// <summary>Every behaviour for both implementations: the eventfd (Linux) and the fallback used elsewhere.</summary>
public class WakeSignalTests
{
    public static TheoryData<bool> Implementations => new() { true, false };

    [Fact]
    public void On_linux_it_parks_on_an_eventfd()
    {
        using var signal = new WakeSignal();
        using var fallback = new WakeSignal(preferEventFd: false);
        Assert.Equal(OperatingSystem.IsLinux(), signal.UsesEventFd);
        Assert.False(fallback.UsesEventFd);
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void A_set_signal_lets_the_wait_through_until_it_is_reset(bool eventFd)
    {
        using var signal = new WakeSignal(eventFd);
        signal.Set();

        Assert.True(signal.IsSet);
        Assert.True(signal.Wait(0));
        Assert.True(signal.Wait(1000)); // manual reset: still set
        signal.Reset();
        Assert.False(signal.IsSet);
        Assert.False(signal.Wait(0));
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void A_wait_that_nobody_sets_times_out_and_leaves_the_signal_unset(bool eventFd)
    {
        using var signal = new WakeSignal(eventFd);

        Assert.False(signal.Wait(0));
        Assert.False(signal.Wait(30));
        Assert.False(signal.IsSet);
        signal.Set(); // not lost after a timed-out wait
        Assert.True(signal.Wait(0));
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public async Task A_set_from_another_thread_wakes_the_parked_waiter(bool eventFd)
    {
        using var signal = new WakeSignal(eventFd);
        var waiter = Task.Factory.StartNew(() => signal.Wait(30_000), TaskCreationOptions.LongRunning);
        await Task.Delay(100);
        Assert.False(waiter.IsCompleted);

        signal.Set();

        Assert.True(await waiter.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>Sets racing with waits, resets and timeouts leave no stale wake-up behind: after a reset, a wait sees
    /// nothing however the previous round ended.</summary>
    [Theory]
    [MemberData(nameof(Implementations))]
    public async Task Racing_sets_leave_no_stale_wake_up_behind(bool eventFd)
    {
        using var signal = new WakeSignal(eventFd);
        for (var round = 0; round < 300; round++)
        {
            var setter = Task.Run(async () =>
            {
                await Task.Yield();
                signal.Set();
            });
            Assert.True(signal.Wait(10_000));
            await setter;
            signal.Reset();
            _ = signal.Wait(round % 3); // may time out or race a late write: either way nothing is set
            Assert.False(signal.Wait(0));
            signal.Reset();
        }
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public async Task Cancellation_ends_a_wait_with_OperationCanceledException(bool eventFd)
    {
        using var signal = new WakeSignal(eventFd);
        using var cancellation = new CancellationTokenSource();
        var waiter = Task.Factory.StartNew(() => signal.Wait(cancellation.Token), TaskCreationOptions.LongRunning);
        await Task.Delay(50);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Throws<OperationCanceledException>(() => signal.Wait(0, cancellation.Token));
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void A_set_after_disposal_does_nothing(bool eventFd)
    {
        var signal = new WakeSignal(eventFd);
        signal.Dispose();

        signal.Set();
        signal.Set();
    }
}
