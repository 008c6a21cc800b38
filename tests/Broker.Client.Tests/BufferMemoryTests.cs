using Broker.Client.Producing;
using Broker.Core.Errors;

namespace Broker.Client.Tests;

public class BufferMemoryTests
{
    [Fact]
    public async Task A_reservation_waits_for_a_release_when_the_buffer_is_full()
    {
        var memory = new BufferMemory(100, TimeProvider.System);
        Assert.True(memory.TryReserve(80));
        var waiting = memory.ReserveAsync(50, TimeSpan.FromSeconds(10), CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        memory.Release(80);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(50, memory.AvailableBytes);
    }

    [Fact]
    public async Task A_reservation_fails_with_a_clear_error_after_max_block()
    {
        var memory = new BufferMemory(100, TimeProvider.System);
        memory.Reserve(100, TimeSpan.Zero);

        var error = await Assert.ThrowsAsync<BrokerException>(() => memory.ReserveAsync(1, TimeSpan.FromMilliseconds(50), CancellationToken.None).AsTask());
        Assert.Equal(ErrorCode.RequestTimedOut, error.Code);
        Assert.Contains("MaxBlock", error.Message, StringComparison.Ordinal);
        Assert.Throws<BrokerException>(() => memory.Reserve(1, TimeSpan.FromMilliseconds(20)));
    }
}
