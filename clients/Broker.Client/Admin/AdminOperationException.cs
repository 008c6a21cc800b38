using Broker.Core.Errors;

namespace Broker.Client.Admin;

/// <summary>
/// Some items of an admin operation failed. Every admin method that acts on several items throws this when any of
/// them fails (the others may have succeeded: check <see cref="Results"/>, which has one entry per item). Its
/// <see cref="BrokerException.Code"/> is the first failure's.
/// </summary>
public sealed class AdminOperationException : BrokerException
{
    public AdminOperationException(string operation, IReadOnlyList<AdminItemResult> results)
        : base(FirstError(results), Summarize(operation, results)) => Results = results;

    public IReadOnlyList<AdminItemResult> Results { get; }

    public IEnumerable<AdminItemResult> Failures => Results.Where(r => !r.IsSuccess);

    private static ErrorCode FirstError(IReadOnlyList<AdminItemResult> results) =>
        results.FirstOrDefault(r => !r.IsSuccess)?.Error ?? ErrorCode.UnknownServerError;

    private static string Summarize(string operation, IReadOnlyList<AdminItemResult> results) =>
        $"{operation} failed for " + string.Join("; ", results.Where(r => !r.IsSuccess)
            .Select(r => $"{r.Name}: {ErrorCodes.Name(r.Error)}{(r.ErrorMessage is null ? string.Empty : " (" + r.ErrorMessage + ")")}"));
}
