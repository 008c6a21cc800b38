namespace Broker.Raft;

public enum EntryType : byte
{
    /// <summary>Application data; empty data is the no-op a new leader appends to commit its term.</summary>
    Normal = 0,

    /// <summary>A complete <see cref="ConfState"/>: takes effect as soon as it is in a node's log, committed or not.</summary>
    Config = 1,
}
