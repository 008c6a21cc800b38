using System.Diagnostics;
using Broker.Core.Records;

namespace Broker.Storage;

/// <summary>
/// One idempotent producer as one partition knows it: its epoch and its last
/// <see cref="IdempotenceLimits.AppendsRetainedPerProducer"/> appends, oldest first (a ring: recording an append
/// allocates nothing). Enough to recognise a retried append (and answer it with its original offsets) and to say
/// which sequence must come next. Owned by a <see cref="ProducerStateTable"/>; guarded by the log's writer lock.
/// </summary>
internal sealed class ProducerState
{
    private readonly ProducerAppend[] _appends = new ProducerAppend[IdempotenceLimits.AppendsRetainedPerProducer];
    private int _count;
    private int _next;

    public ProducerState(long producerId, short epoch)
    {
        ProducerId = producerId;
        Epoch = epoch;
    }

    public long ProducerId { get; }

    public short Epoch { get; private set; }

    /// <summary>Appends remembered, at least one once the producer is in a table.</summary>
    public int AppendCount => _count;

    /// <summary>The newest append: its end says which sequence comes next, its offset whether the producer still has
    /// a batch in the log, its timestamp how long it has been idle.</summary>
    public ProducerAppend Last
    {
        get
        {
            Debug.Assert(_count > 0, "a producer in a table has at least one append");
            return _appends[(_next + _appends.Length - 1) % _appends.Length];
        }
    }

    /// <summary>The sequence the producer's next append must start with.</summary>
    public int NextSequence => ProducerSequence.Add(Last.LastSequence, 1);

    /// <summary>The <paramref name="index"/>-th remembered append, oldest first.</summary>
    public ProducerAppend this[int index] => _appends[(_next - _count + index + _appends.Length) % _appends.Length];

    /// <summary>A newer epoch: what was remembered belongs to the old one.</summary>
    public void StartEpoch(short epoch)
    {
        Epoch = epoch;
        _count = 0;
        _next = 0;
    }

    /// <summary>Remembers an append, forgetting the oldest beyond the limit.</summary>
    public void Add(in ProducerAppend append)
    {
        _appends[_next] = append;
        _next = (_next + 1) % _appends.Length;
        _count = Math.Min(_count + 1, _appends.Length);
    }

    /// <summary>
    /// Remembers a batch read from the log. The log does not say which batches one request carried, so a batch that
    /// continues the last append in both sequence and offset extends it: a retry of any request that wrote them then
    /// still falls inside one remembered append. A batch at or below what is remembered is ignored, so a scan that
    /// overlaps what a snapshot already holds changes nothing.
    /// </summary>
    public void AddFromLog(in ProducerAppend append)
    {
        if (_count > 0)
        {
            var last = Last;
            if (append.LastOffset <= last.LastOffset)
            {
                return;
            }

            if (last.IsFollowedBy(append))
            {
                _appends[(_next + _appends.Length - 1) % _appends.Length] = last.ExtendedBy(append);
                return;
            }
        }

        Add(append);
    }

    /// <summary>
    /// The remembered append holding every sequence of [<paramref name="firstSequence"/>, + <paramref name="recordCount"/>),
    /// if any: the request is a retry of records already written.
    /// </summary>
    public bool TryFindDuplicate(int firstSequence, long recordCount, out ProducerAppend original, out long baseOffset)
    {
        for (var i = 0; i < _count; i++)
        {
            var append = this[i];
            var position = ProducerSequence.Distance(append.FirstSequence, firstSequence);
            if (position + recordCount <= append.RecordCount)
            {
                original = append;
                baseOffset = append.BaseOffset + position;
                return true;
            }
        }

        original = default;
        baseOffset = -1;
        return false;
    }
}
