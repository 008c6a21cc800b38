using System.Runtime.InteropServices;
using Broker.Core.Errors;

namespace Broker.Core.Compression.Native;

/// <summary>
/// A system compression library that a codec binds to with <c>LibraryImport</c>. The first use probes that the library
/// loads and exports every function the codec calls, so a missing or too-old library surfaces as one
/// <see cref="BrokerException"/> with <see cref="ErrorCode.UnsupportedCompressionType"/> that names the package to
/// install, instead of a <see cref="DllNotFoundException"/> or <see cref="EntryPointNotFoundException"/> thrown from
/// the middle of a request. Thread-safe; the probe runs once per process.
/// </summary>
internal sealed class NativeCodecLibrary
{
    private readonly string _codecName;
    private readonly string _fileName;
    private readonly string _debianPackage;
    private readonly string[] _requiredExports;
    private readonly Lazy<string?> _loadFailure;

    public NativeCodecLibrary(string codecName, string fileName, string debianPackage, string[] requiredExports)
    {
        _codecName = codecName;
        _fileName = fileName;
        _debianPackage = debianPackage;
        _requiredExports = requiredExports;
        _loadFailure = new Lazy<string?>(FindLoadFailure, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Throws <see cref="ErrorCode.UnsupportedCompressionType"/> unless the library is usable.</summary>
    public void EnsureLoaded()
    {
        if (_loadFailure.Value is { } reason)
        {
            throw new BrokerException(
                ErrorCode.UnsupportedCompressionType,
                $"{_codecName} needs {_fileName} (Debian package {_debianPackage}): {reason}");
        }
    }

    private string? FindLoadFailure()
    {
        nint handle;
        try
        {
            // The same search the P/Invoke stubs will do; the handle stays open for the process so the stubs bind to
            // this very library.
            handle = NativeLibrary.Load(_fileName, typeof(NativeCodecLibrary).Assembly, searchPath: null);
        }
        catch (DllNotFoundException e)
        {
            return e.Message;
        }
        catch (BadImageFormatException e)
        {
            return e.Message;
        }

        foreach (var export in _requiredExports)
        {
            if (!NativeLibrary.TryGetExport(handle, export, out _))
            {
                return $"the library has no function {export} (too old a version?)";
            }
        }

        return null;
    }
}
