using Broker.Core.Records;
using static Broker.Core.Records.RecordBatchLayout;

namespace Broker.Storage;

/// <summary>
/// Finishes a segment swap that a crash interrupted (Kafka's LogLoader does the same with .swap files). A
/// <c>NNN.log.swap</c> exists only once the cleaned segment is complete and fsynced, so the swap is rolled forward:
/// the cleaned segment always ends with the last batch of the segments it replaces, so the offsets it covers, read
/// from its headers, name exactly those segments. They are deleted (with NNN's own index files, which belong to the
/// segment being replaced) and the .swap file takes the name NNN.log. Runs on open, before anything reads the log.
/// </summary>
internal static class SwapCompletion
{
    /// <summary>Completes the swap of <paramref name="swapPath"/>; returns its base offset.</summary>
    public static long Complete(string directory, string swapPath)
    {
        var logName = Path.GetFileName(swapPath)[..^LogFileNames.SwapSuffix.Length];
        if (!LogFileNames.TryParseBaseOffset(logName, LogFileNames.LogSuffix, out var baseOffset))
        {
            throw new IOException($"Cannot parse the base offset of swap file {swapPath}.");
        }

        var endOffset = EndOffset(swapPath, baseOffset);
        foreach (var path in Directory.GetFiles(directory, "*" + LogFileNames.LogSuffix))
        {
            if (LogFileNames.TryParseBaseOffset(Path.GetFileName(path), LogFileNames.LogSuffix, out var replaced)
                && replaced >= baseOffset && replaced < endOffset)
            {
                DeleteSegmentFiles(directory, replaced);
            }
        }

        DeleteSegmentFiles(directory, baseOffset);
        File.Move(swapPath, LogFileNames.LogFile(directory, baseOffset));
        return baseOffset;
    }

    /// <summary>The offset after the last whole batch of the file (its base offset when it has none).</summary>
    private static long EndOffset(string path, long baseOffset)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = RandomAccess.GetLength(handle);
        Span<byte> buffer = stackalloc byte[HeaderBytes];
        var end = baseOffset;
        for (var position = 0L; position + HeaderBytes <= length;)
        {
            if (RandomAccess.Read(handle, buffer, position) < HeaderBytes)
            {
                break;
            }

            var header = RecordBatchHeader.Read(buffer);
            if (header.Magic != CurrentMagic || header.TotalBytes < HeaderBytes || position + header.TotalBytes > length)
            {
                break;
            }

            end = Math.Max(end, header.NextOffset);
            position += header.TotalBytes;
        }

        return end;
    }

    private static void DeleteSegmentFiles(string directory, long baseOffset)
    {
        File.Delete(LogFileNames.LogFile(directory, baseOffset));
        File.Delete(LogFileNames.IndexFile(directory, baseOffset));
        File.Delete(LogFileNames.TimeIndexFile(directory, baseOffset));
    }
}
