namespace Broker.Protocol.Messages.ApiVersions;

/// <summary>
/// ApiVersions v0: client_software_name string (nullable) | client_software_version string (nullable). The first
/// request a client sends. A server answers it even at a version it does not know, with the v0 response body and
/// UNSUPPORTED_VERSION, so that layout is frozen: a client can always learn what the server speaks.
/// </summary>
public sealed class ApiVersionsRequest : IRequestMessage<ApiVersionsRequest>
{
    public static ApiKey ApiKey => ApiKey.ApiVersions;

    /// <summary>For operators: which client library is connected (e.g. "broker-dotnet").</summary>
    public string? ClientSoftwareName { get; init; }

    public string? ClientSoftwareVersion { get; init; }

    public static ApiVersionsRequest Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.ApiVersions, version);
        return new ApiVersionsRequest
        {
            ClientSoftwareName = reader.ReadNullableString(),
            ClientSoftwareVersion = reader.ReadNullableString(),
        };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.ApiVersions, version);
        writer.WriteString(ClientSoftwareName);
        writer.WriteString(ClientSoftwareVersion);
    }
}
