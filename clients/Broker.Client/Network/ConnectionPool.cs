namespace Broker.Client.Network;

/// <summary>
/// One connection per broker endpoint, opened on first use and replaced on the next use after it breaks
/// ("reconnect on next use"). Concurrent callers asking for the same endpoint share one connect attempt. A failed
/// attempt is forgotten at once, so the caller's retry policy (with its backoff) decides when to dial again.
/// </summary>
internal sealed class ConnectionPool : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<BrokerEndpoint, Task<BrokerConnection>> _connections = [];
    private readonly ConnectionSettings _settings;
    private readonly CancellationTokenSource _closing = new();
    private bool _disposed;

    public ConnectionPool(ConnectionSettings settings) => _settings = settings;

    public async Task<BrokerConnection> GetAsync(BrokerEndpoint endpoint, CancellationToken cancellationToken)
    {
        Task<BrokerConnection> connecting;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_connections.TryGetValue(endpoint, out connecting!) || IsBroken(connecting))
            {
                connecting = BrokerConnection.ConnectAsync(endpoint, _settings, _closing.Token);
                _connections[endpoint] = connecting;
            }
        }

        try
        {
            return await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (connecting.IsFaulted || connecting.IsCanceled)
        {
            lock (_lock)
            {
                if (_connections.TryGetValue(endpoint, out var current) && current == connecting)
                {
                    _connections.Remove(endpoint);
                }
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task<BrokerConnection>[] connections;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            connections = [.. _connections.Values];
            _connections.Clear();
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        foreach (var connecting in connections)
        {
            try
            {
                var connection = await connecting.ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A connection that never opened has nothing to close.
            }
        }

        _closing.Dispose();
    }

    private static bool IsBroken(Task<BrokerConnection> connecting) =>
        connecting.IsFaulted || connecting.IsCanceled || (connecting.IsCompletedSuccessfully && !connecting.Result.IsUsable);
}
