using Broker.Protocol.Framing;

namespace Broker.Client.Consuming;

/// <summary>
/// A fetch response frame shared by the per-partition results carved out of it: each holds a reference, and the
/// pooled buffer goes back when the last one is done, so records are never copied out of the frame.
/// </summary>
internal sealed class SharedFrame(ResponseFrame frame)
{
    private int _references = 1;

    public SharedFrame AddReference()
    {
        Interlocked.Increment(ref _references);
        return this;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            frame.Dispose();
        }
    }
}
