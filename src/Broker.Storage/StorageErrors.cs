using Broker.Core.Errors;

namespace Broker.Storage;

/// <summary>Turns an I/O failure into the operating error the rest of the broker handles: StorageError.</summary>
internal static class StorageErrors
{
    public static BrokerException Wrap(Exception inner, string action) =>
        new(ErrorCode.StorageError, $"Storage error while {action}: {inner.Message}", inner);

    public static bool IsIoFailure(Exception e) => e is IOException or UnauthorizedAccessException;
}
