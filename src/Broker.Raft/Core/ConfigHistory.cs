namespace Broker.Raft.Core;

/// <summary>
/// The configurations found in the log, so that the membership in force is always the latest config
/// entry present, committed or not (Raft dissertation, section 4.1), and so that a truncated config
/// entry takes its membership with it. <see cref="BaseIndex"/> and <see cref="Base"/> come from the snapshot.
/// </summary>
internal sealed class ConfigHistory
{
    private readonly List<(long Index, ConfState Config)> _entries = [];

    public ConfigHistory(long baseIndex, ConfState config)
    {
        Restore(baseIndex, config);
    }

    public long BaseIndex { get; private set; }

    public ConfState Base { get; private set; } = ConfState.Empty;

    public ConfState Latest => _entries.Count > 0 ? _entries[^1].Config : Base;

    /// <summary>Index of the config entry in force; at most the snapshot index when it came from the snapshot.</summary>
    public long LatestIndex => _entries.Count > 0 ? _entries[^1].Index : BaseIndex;

    /// <summary>Bumped on every change of <see cref="Latest"/>, so the node can cheaply tell when to re-read it.</summary>
    public int Version { get; private set; }

    public void Restore(long baseIndex, ConfState config)
    {
        BaseIndex = baseIndex;
        Base = config;
        _entries.Clear();
        Version++;
    }

    public void OnAppend(IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        TruncateFrom(entries[0].Index);
        foreach (var entry in entries)
        {
            if (entry.Type == EntryType.Config)
            {
                _entries.Add((entry.Index, ConfState.Decode(entry.Data.Span)));
                Version++;
            }
        }
    }

    /// <summary>The membership in force at <paramref name="index"/>, which must not lie below the base.</summary>
    public ConfState At(long index)
    {
        if (index < BaseIndex)
        {
            throw new InvalidOperationException($"Configuration at {index} is below the snapshot at {BaseIndex}.");
        }

        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].Index <= index)
            {
                return _entries[i].Config;
            }
        }

        return Base;
    }

    /// <summary>Folds config entries at or below a new snapshot index into the base; keeps memory bounded.</summary>
    public void CompactTo(long snapshotIndex)
    {
        if (snapshotIndex <= BaseIndex)
        {
            return;
        }

        Base = At(snapshotIndex);
        BaseIndex = snapshotIndex;
        _entries.RemoveAll(e => e.Index <= snapshotIndex);
    }

    private void TruncateFrom(long index)
    {
        var removed = _entries.RemoveAll(e => e.Index >= index);
        if (removed > 0)
        {
            Version++;
        }
    }
}
