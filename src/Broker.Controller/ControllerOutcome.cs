using Broker.Core.Errors;

namespace Broker.Controller;

/// <summary>The result of one admin operation on one resource (a topic, a config resource): Kafka answers per item.</summary>
public readonly record struct ControllerOutcome(string Name, ErrorCode Error, string? Message)
{
    public static ControllerOutcome Success(string name) => new(name, ErrorCode.None, null);

    public static ControllerOutcome Failure(string name, BrokerException error) => new(name, error.Code, error.Message);
}
