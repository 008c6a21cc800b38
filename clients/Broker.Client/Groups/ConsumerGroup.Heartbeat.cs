using Broker.Client.Internal;
using Broker.Core.Errors;
using Broker.Protocol.Messages.ConsumerGroupHeartbeat;

namespace Broker.Client.Groups;

/// <summary>
/// The part of <see cref="ConsumerGroup"/> the <see cref="HeartbeatLoop"/> calls: what to send, and what an answer
/// changes. Each call takes the lock once, so an answer and its consequences (partitions lost on fencing) are one step.
/// </summary>
internal sealed partial class ConsumerGroup
{
    /// <summary>False while the application has lost partitions it has not been told about: rejoining waits for that.</summary>
    public bool MayHeartbeat
    {
        get
        {
            lock (_subscription.Lock)
            {
                return !_awaitingLostCallback && _fatal is null && _membership is not null;
            }
        }
    }

    public ConsumerGroupHeartbeatRequest NextHeartbeat()
    {
        lock (_subscription.Lock)
        {
            return _membership!.NextHeartbeat(_subscription.AssignmentLocked);
        }
    }

    public void ApplyNoAnswer()
    {
        lock (_subscription.Lock)
        {
            _membership?.OnNoAnswer();
        }
    }

    /// <summary>Applies a heartbeat answer; returns the wait before the next heartbeat, or null to stop.</summary>
    public TimeSpan? ApplyAnswer(ConsumerGroupHeartbeatResponse response)
    {
        HeartbeatOutcome outcome;
        TimeSpan interval;
        lock (_subscription.Lock)
        {
            if (_membership is null)
            {
                return null;
            }

            outcome = _membership.OnAnswer(response);
            interval = TimeSpan.FromMilliseconds(_membership.HeartbeatIntervalMs);
            if (outcome == HeartbeatOutcome.Fenced)
            {
                LoseAllLocked();
            }
            else if (outcome == HeartbeatOutcome.Fatal)
            {
                FailLocked(ClientErrors.Describe(response.ErrorCode, response.ErrorMessage, $"Consumer group '{_options.GroupId}'"));
            }
        }

        if (outcome != HeartbeatOutcome.Continue)
        {
            RaiseAttention();
        }

        return outcome switch
        {
            HeartbeatOutcome.Fatal => null,
            HeartbeatOutcome.Fenced => TimeSpan.Zero,
            _ => interval,
        };
    }

    public void Fail(BrokerException error)
    {
        lock (_subscription.Lock)
        {
            FailLocked(new BrokerException(error.Code, $"Consumer group '{_options.GroupId}': {error.Message}", error));
        }

        RaiseAttention();
    }

    private void FailLocked(BrokerException error)
    {
        _fatal = error;
        LoseAllLocked();
    }

    /// <summary>Every partition is gone at once, uncommitted (another member may own it already); the listener hears of it next.</summary>
    private void LoseAllLocked()
    {
        var lost = _subscription.AssignmentLocked.ToList();
        _subscription.RemoveLocked(lost);
        _generation++;
        _lost.AddRange(lost);
        _awaitingLostCallback = _lost.Count > 0;
        _wakeFetcher();
    }
}
