using System.Text.Json.Serialization;

namespace Broker.Server.Hosting;

/// <summary>The body of GET /health.</summary>
public sealed record HealthReport(string Status, int NodeId, int Partitions);

/// <summary>Source-generated JSON for <see cref="HealthReport"/> (the slim builder has no reflection serializer).</summary>
[JsonSerializable(typeof(HealthReport))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class HealthReportContext : JsonSerializerContext;
