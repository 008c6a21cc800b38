namespace Broker.Core.Errors;

/// <summary>
/// An operating error (bad input, full disk, lost peer) with the code that travels to the client.
/// Programmer errors are assertions, not this.
/// </summary>
public class BrokerException : Exception
{
    public BrokerException(ErrorCode code, string message)
        : base(message) => Code = code;

    public BrokerException(ErrorCode code, string message, Exception innerException)
        : base(message, innerException) => Code = code;

    public ErrorCode Code { get; }

    public bool IsRetriable => ErrorCodes.IsRetriable(Code);
}
