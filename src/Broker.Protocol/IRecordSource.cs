namespace Broker.Protocol;

/// <summary>
/// Record bytes the server writes into a Fetch response without first gathering them into a byte[]: a slice of a
/// memory-mapped segment, a file range, a cached batch. <see cref="ProtocolWriter"/> asks for <see cref="Length"/>
/// when it sizes the frame, then calls <see cref="CopyTo"/> with increasing offsets straight into the output's
/// buffers, in pieces as large as the output hands out, so nothing is copied twice and no large contiguous buffer
/// is needed.
/// </summary>
/// <remarks>
/// Called on the writing thread, synchronously. The bytes must not change between the sizing and the copy: the
/// frame's size prefix is already on the wire. A source that fails mid-copy (an I/O error) leaves a frame cut
/// short, so the server must close the connection rather than write anything after it.
/// </remarks>
public interface IRecordSource
{
    /// <summary>Bytes the source holds, fixed for its lifetime.</summary>
    int Length { get; }

    /// <summary>Copies exactly <c>destination.Length</c> bytes starting at <paramref name="sourceOffset"/>.</summary>
    void CopyTo(int sourceOffset, Span<byte> destination);
}
