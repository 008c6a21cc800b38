namespace Broker.Controller;

/// <summary>Sets <paramref name="Key"/> to <paramref name="Value"/>, or removes the override when the value is null.</summary>
public readonly record struct ConfigChange(string Key, string? Value);
