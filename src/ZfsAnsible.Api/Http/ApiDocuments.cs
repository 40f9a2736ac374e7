using System.Text.Json.Serialization;

namespace ZfsAnsible.Api.Http;

// The JSON the API answers: plain records, serialized by source generation (no reflection under NativeAOT).

public sealed record PoolDocument(string Name, string Health, long SizeBytes, long AllocatedBytes, long FreeBytes, double CapacityRatio, double? FragmentationRatio);

public sealed record ReplicationDocument(string Dataset, string Pool, string? Policy, DateTimeOffset LastSuccess, double LastDurationSeconds, long LastBytes, double AgeSeconds);

public sealed record DatasetDocument(
    string Name,
    string Pool,
    long UsedBytes,
    long AvailableBytes,
    long ReferencedBytes,
    string? Policy,
    bool Replica,
    int Snapshots,
    DateTimeOffset? NewestSnapshot,
    ReplicationDocument? Replication);

public sealed record SnapshotDocument(string Name, DateTimeOffset Creation, long CreateTxg, int Holds, bool OwnName, string? Interval);

public sealed record ComplianceDocument(string Dataset, string Policy, string Interval, int Retained, int Target, double Ratio, double? NewestAgeSeconds);

/// <param name="Status">ok, stale (the last collection failed: older data is served) or unavailable (nothing collected yet).</param>
public sealed record HealthDocument(string Status, string Hostname, string? Implementation, DateTimeOffset? CollectedAt, double? AgeSeconds, string? Error, int Pools, int PoolsNotOnline, IReadOnlyList<string> PolicyProblems);

public sealed record ErrorDocument(string Error);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(PoolDocument))]
[JsonSerializable(typeof(List<PoolDocument>))]
[JsonSerializable(typeof(DatasetDocument))]
[JsonSerializable(typeof(List<DatasetDocument>))]
[JsonSerializable(typeof(List<SnapshotDocument>))]
[JsonSerializable(typeof(List<ComplianceDocument>))]
[JsonSerializable(typeof(List<ReplicationDocument>))]
[JsonSerializable(typeof(HealthDocument))]
[JsonSerializable(typeof(ErrorDocument))]
public sealed partial class ApiJson : JsonSerializerContext
{
    /// <summary>Names and messages as a person reads them ('tank', not \u0027tank\u0027): the answers are JSON, never HTML.</summary>
    public static ApiJson Readable { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
