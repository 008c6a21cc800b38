namespace Broker.Storage.Tests;

/// <summary>
/// Holds a lock on a thread of its own, as a slow path holding it across I/O would, until released. A test that waits
/// for the lock by mistake would never end, so the hold also ends after <c>holdMax</c>; <see cref="IsHolding"/> then
/// reads false, and the test asserting it fails instead of hanging.
/// </summary>
public sealed class LockHolder : IDisposable
{
    private readonly ManualResetEventSlim _release = new();
    private readonly Thread _thread;
    private volatile bool _holding;

    private LockHolder(Lock target, TimeSpan holdMax)
    {
        using var held = new ManualResetEventSlim();
        _thread = new Thread(() =>
        {
            lock (target)
            {
                _holding = true;
                held.Set();
                _release.Wait(holdMax);
                _holding = false; // before the lock goes: whoever waited for it sees the hold ended
            }
        })
        { IsBackground = true, Name = "lock holder" };
        _thread.Start();
        held.Wait();
    }

    /// <summary>False once released, or once the hold timed out because the test waited for the lock.</summary>
    public bool IsHolding => _holding;

    public static LockHolder Hold(Lock target, TimeSpan? holdMax = null) => new(target, holdMax ?? TimeSpan.FromSeconds(30));

    public void Release()
    {
        _release.Set();
        _thread.Join();
    }

    public void Dispose()
    {
        Release();
        _release.Dispose();
    }
}
