using Broker.Client.Internal;
using Broker.Client.Metadata;
using Broker.Client.Network;
using Broker.Core.Errors;
using Broker.Protocol.Messages.InitProducerId;

namespace Broker.Client.Producing;

/// <summary>
/// Gets an idempotent producer its id before the first send: InitProducerId to any broker (the known ones, then the
/// bootstrap servers), one request at a time, again after <see cref="ClientOptions.RetryBackoff"/> when it fails with a
/// retriable error. A non-retriable error (a broker without the API answers UNSUPPORTED_VERSION) is kept as
/// <see cref="Fatal"/>: the producer fails its records with it rather than send them without sequence numbers.
/// Thread-safe.
/// </summary>
internal sealed class ProducerIdInitializer(MetadataManager metadata, ConnectionPool pool, TimeProvider time, TimeSpan backoff, Action onDone)
{
    private readonly Lock _lock = new();
    private ProducerIdentity? _identity;
    private Task? _running;
    private long _notBefore;

    /// <summary>The producer's id and epoch once a broker gave them; null before.</summary>
    public ProducerIdentity? Identity => Volatile.Read(ref _identity);

    /// <summary>Why the producer can never get an id; null while it can.</summary>
    public BrokerException? Fatal { get; private set; }

    /// <summary>True when the identity is known; otherwise starts a request if none runs and the backoff passed.</summary>
    public bool EnsureStarted(CancellationToken cancellationToken)
    {
        if (Identity is not null)
        {
            return true;
        }

        lock (_lock)
        {
            if (Fatal is null && (_running is null || _running.IsCompleted) && time.GetTimestamp() >= _notBefore)
            {
                _running = RequestAsync(cancellationToken);
            }
        }

        return false;
    }

    private async Task RequestAsync(CancellationToken cancellationToken)
    {
        BrokerException? last = null;
        foreach (var endpoint in metadata.Candidates())
        {
            try
            {
                var connection = await pool.GetAsync(endpoint, cancellationToken).ConfigureAwait(false);
                var response = await connection.RequestAsync<InitProducerIdRequest, InitProducerIdResponse>(new InitProducerIdRequest(), cancellationToken).ConfigureAwait(false);
                if (response.ErrorCode == ErrorCode.None)
                {
                    Volatile.Write(ref _identity, new ProducerIdentity(response.ProducerId, response.ProducerEpoch));
                    onDone();
                    return;
                }

                last = ClientErrors.Describe(response.ErrorCode, null, $"InitProducerId from broker {endpoint}");
            }
            catch (BrokerException e)
            {
                last = e;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!last.IsRetriable)
            {
                Fatal = last;
                onDone();
                return;
            }
        }

        lock (_lock)
        {
            _notBefore = time.GetTimestamp() + (long)(backoff.TotalSeconds * time.TimestampFrequency);
        }

        onDone();
    }
}
