namespace Broker.Protocol;

/// <summary>The versions of one API a peer can speak: <see cref="MinVersion"/> to <see cref="MaxVersion"/>, inclusive.</summary>
public readonly record struct ApiVersionRange(ApiKey ApiKey, short MinVersion, short MaxVersion)
{
    /// <summary>Bytes on the wire: api_key, min_version, max_version, each int16.</summary>
    internal const int EncodedBytes = 6;

    public bool Contains(short version) => version >= MinVersion && version <= MaxVersion;
}
