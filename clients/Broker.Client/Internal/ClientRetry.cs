using Broker.Core.Errors;
using Polly;
using Polly.Retry;

namespace Broker.Client.Internal;

/// <summary>
/// The client's one retry policy, as a Polly pipeline: retriable <see cref="BrokerException"/>s only, exponential
/// backoff with jitter from <see cref="ClientOptions.RetryBackoff"/> up to <see cref="ClientOptions.RetryBackoffMax"/>.
/// Callers bound it with a cancellation token (a deadline) or an attempt count, and react to each failure in
/// <c>onRetry</c> (refresh metadata, find a coordinator again).
/// </summary>
internal static class ClientRetry
{
    /// <summary>Attempts for a caller whose cancellation token is the real bound.</summary>
    public const int UntilCancelled = int.MaxValue;

    /// <param name="options">Backoff settings.</param>
    /// <param name="time">The clock of the delays.</param>
    /// <param name="maxRetryAttempts">How many retries at most.</param>
    /// <param name="onRetry">Called with each failure that is retried.</param>
    /// <param name="shouldRetry">Which failures to retry; null: the retriable ones.</param>
    public static ResiliencePipeline Pipeline(
        ClientOptions options, TimeProvider time, int maxRetryAttempts, Action<BrokerException>? onRetry = null, Func<BrokerException, bool>? shouldRetry = null) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<BrokerException>(shouldRetry ?? (e => e.IsRetriable)),
                MaxRetryAttempts = Math.Max(1, maxRetryAttempts),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBackoff,
                MaxDelay = options.RetryBackoffMax,
                OnRetry = args =>
                {
                    if (onRetry is not null && args.Outcome.Exception is BrokerException e)
                    {
                        onRetry(e);
                    }

                    return default;
                },
            })
            .Build();

    /// <summary>
    /// Runs <paramref name="attempt"/> through <paramref name="pipeline"/> for at most <paramref name="timeout"/>. When
    /// time runs out the last failure is thrown as a <see cref="BrokerException"/> naming the operation and the time
    /// spent; the caller's own cancellation is thrown as it is.
    /// </summary>
    public static async Task<T> RunWithinAsync<T>(
        this ResiliencePipeline pipeline, Func<CancellationToken, Task<T>> attempt, TimeSpan timeout, string operation, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        BrokerException? last = null;
        try
        {
            return await pipeline.ExecuteAsync(
                async token =>
                {
                    try
                    {
                        return await attempt(token).ConfigureAwait(false);
                    }
                    catch (BrokerException e)
                    {
                        last = e;
                        throw;
                    }
                },
                deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BrokerException(last?.Code ?? ErrorCode.RequestTimedOut,
                $"{operation} did not succeed within {timeout}: {last?.Message ?? "no answer"}", e);
        }
    }
}
