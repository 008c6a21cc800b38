namespace Broker.Controller.Metadata;

/// <summary>
/// One entry of the cluster metadata log. The log is the truth; a <see cref="MetadataImage"/> is what applying
/// its records in order yields. Records are immutable facts ("topic T was created with id I"), never commands,
/// so replaying the log on any node gives the same image.
/// </summary>
public abstract record MetadataRecord
{
    /// <summary>The record's type on disk; stable forever once written.</summary>
    public abstract MetadataRecordType Type { get; }
}
