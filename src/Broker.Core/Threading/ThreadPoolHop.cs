using System.Runtime.CompilerServices;

namespace Broker.Core.Threading;

/// <summary>
/// <c>await new ThreadPoolHop()</c> continues the calling method on a thread-pool thread, whatever thread it ran
/// on and whatever synchronization context or task scheduler is current. The broker uses it to leave a socket
/// I/O thread, which serves every connection, before work that may block (an fsync, a lock a slow path holds).
/// <see cref="Task.Yield"/> would honour a current context instead, and under one would not leave the thread.
/// </summary>
public readonly struct ThreadPoolHop : ICriticalNotifyCompletion
{
    public bool IsCompleted => false;

    public ThreadPoolHop GetAwaiter() => this;

    public void GetResult()
    {
    }

    public void OnCompleted(Action continuation) =>
        ThreadPool.QueueUserWorkItem(static continuation => continuation(), continuation, preferLocal: false);

    public void UnsafeOnCompleted(Action continuation) =>
        ThreadPool.UnsafeQueueUserWorkItem(static continuation => continuation(), continuation, preferLocal: false);
}
