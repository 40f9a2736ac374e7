using System.Text.Json;
using ZfsAnsible.Api.Collection;
using ZfsAnsible.Domain.Naming;
using ZfsAnsible.Domain.Policies;

namespace ZfsAnsible.Api.Http;

/// <summary>One answer: HTTP status, content type and body.</summary>
public sealed record ApiAnswer(int Status, string ContentType, string Body)
{
    public const string Json = "application/json; charset=utf-8";

    public static ApiAnswer Of<T>(T document, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, int status = 200) =>
        new(status, Json, JsonSerializer.Serialize(document, type));

    public static ApiAnswer Error(int status, string message) => Of(new ErrorDocument(message), ApiJson.Readable.ErrorDocument, status);
}

/// <summary>
/// The read-only API from the cached host state: pure (a path, its query and the state in, an answer out), so every
/// route and every refusal is unit-tested. Names in paths and queries pass the modules' naming rules before they are
/// compared with anything, and nothing here reaches a command: the state was collected before the request came.
/// </summary>
public static class ApiRouter
{
    public const int MaxPathLength = 1024;

    private const string SnapshotsSuffix = "/snapshots";

    /// <param name="path">The path below /api/, already percent-decoded, e.g. "datasets/tank/documents/snapshots".</param>
    /// <param name="hostname">This host's name as the service labels it (health answers it before any collection).</param>
    public static ApiAnswer Answer(string path, IReadOnlyDictionary<string, string> query, CollectionView view, string hostname, DateTimeOffset now)
    {
        if (path.Length > MaxPathLength || path.Any(char.IsControl))
        {
            return ApiAnswer.Error(400, "the path is too long or holds control characters");
        }

        var segments = path.Split('/', 2);
        var (resource, rest) = (segments[0], segments.Length > 1 ? segments[1] : null);
        var filtered = rest is null && resource is "datasets" or "compliance";
        if (!filtered && query.Count > 0)
        {
            return ApiAnswer.Error(400, $"/api/{ZfsNames.Printable(path)} takes no query parameters (only /api/datasets and /api/compliance take pool and policy)");
        }

        if (path == "health")
        {
            return Health(view, hostname, now);
        }

        if (view.State is not { } state)
        {
            return ApiAnswer.Error(503, $"nothing collected yet: {view.Stats.LastError ?? "the first collection is running"}");
        }

        return (resource, rest) switch
        {
            ("pools", null) => ApiAnswer.Of(state.Pools.Select(Pool).ToList(), ApiJson.Readable.ListPoolDocument),
            ("pools", { } name) => PoolNamed(state, name),
            ("datasets", null) => Datasets(state, query, now),
            ("datasets", { } name) => DatasetPath(state, name, now),
            ("compliance", null) => Compliance(state, query, now),
            ("replication", null) => ApiAnswer.Of(state.Datasets.Where(d => d.Replication is not null).Select(d => Replication(d, now)!).ToList(), ApiJson.Readable.ListReplicationDocument),
            _ => ApiAnswer.Error(404, $"no such resource: /api/{ZfsNames.Printable(path)}"),
        };
    }

    private static ApiAnswer Health(CollectionView view, string hostname, DateTimeOffset now)
    {
        var state = view.State;
        var status = state is null ? "unavailable" : view.Stats.LastError is null ? "ok" : "stale";
        var document = new HealthDocument(status, hostname, state?.Implementation, state?.CollectedAt, state is null ? null : (now - state.CollectedAt).TotalSeconds,
            view.Stats.LastError, state?.Pools.Length ?? 0, state?.Pools.Count(p => p.Health != "ONLINE") ?? 0, state is null ? [] : [.. state.PolicyProblems]);
        return ApiAnswer.Of(document, ApiJson.Readable.HealthDocument, state is null ? 503 : 200);
    }

    private static ApiAnswer PoolNamed(HostState state, string name)
    {
        if (ZfsNames.CheckPoolName(name) is { } problem)
        {
            return ApiAnswer.Error(400, problem.Message);
        }

        return state.Pools.FirstOrDefault(p => p.Name == name) is { } pool
            ? ApiAnswer.Of(Pool(pool), ApiJson.Readable.PoolDocument)
            : ApiAnswer.Error(404, $"no imported pool {name}");
    }

    private static ApiAnswer Datasets(HostState state, IReadOnlyDictionary<string, string> query, DateTimeOffset now)
    {
        var (pool, policy, refusal) = Filters(query);
        return refusal ?? ApiAnswer.Of(state.Datasets
            .Where(d => pool is null || d.Pool == pool)
            .Where(d => policy is null || (d.Policy ?? "unmanaged") == policy)
            .Select(d => Dataset(d, now))
            .ToList(), ApiJson.Readable.ListDatasetDocument);
    }

    /// <summary>"tank/documents" is the dataset; "tank/documents/snapshots" its snapshots, unless a dataset has that very name.</summary>
    private static ApiAnswer DatasetPath(HostState state, string rest, DateTimeOffset now)
    {
        var exact = state.Datasets.FirstOrDefault(d => d.Name == rest);
        if (exact is null && rest.EndsWith(SnapshotsSuffix, StringComparison.Ordinal))
        {
            var name = rest[..^SnapshotsSuffix.Length];
            if (ZfsNames.CheckDatasetName(name) is { } invalid)
            {
                return ApiAnswer.Error(400, invalid.Message);
            }

            return state.Datasets.Any(d => d.Name == name)
                ? ApiAnswer.Of(state.Snapshots.GetValueOrDefault(name, []).Select(Snapshot).ToList(), ApiJson.Readable.ListSnapshotDocument)
                : ApiAnswer.Error(404, $"no dataset {name}");
        }

        if (ZfsNames.CheckDatasetName(rest) is { } problem)
        {
            return ApiAnswer.Error(400, problem.Message);
        }

        return exact is null ? ApiAnswer.Error(404, $"no dataset {rest}") : ApiAnswer.Of(Dataset(exact, now), ApiJson.Readable.DatasetDocument);
    }

    /// <summary>Ages as of the answer, not of the collection: they keep growing while collections fail.</summary>
    private static ApiAnswer Compliance(HostState state, IReadOnlyDictionary<string, string> query, DateTimeOffset now)
    {
        var (pool, policy, refusal) = Filters(query);
        return refusal ?? ApiAnswer.Of(state.Compliance
            .Where(c => pool is null || c.Dataset.Split('/')[0] == pool)
            .Where(c => policy is null || c.Policy == policy)
            .Select(c => new ComplianceDocument(c.Dataset, c.Policy, c.Interval.YamlName(), c.Retained, c.Target, c.Ratio, state.NewestAgeAt(c, now)?.TotalSeconds))
            .ToList(), ApiJson.Readable.ListComplianceDocument);
    }

    /// <summary>The ?pool= and ?policy= filters, checked by the modules' naming rules; any other parameter is refused.</summary>
    private static (string? Pool, string? Policy, ApiAnswer? Refusal) Filters(IReadOnlyDictionary<string, string> query)
    {
        if (query.Keys.FirstOrDefault(k => k is not ("pool" or "policy")) is { } key)
        {
            return (null, null, ApiAnswer.Error(400, $"unknown query parameter '{ZfsNames.Printable(key)}' (known: pool, policy)"));
        }

        var pool = query.GetValueOrDefault("pool");
        if (pool is not null && ZfsNames.CheckPoolName(pool) is { } problem)
        {
            return (null, null, ApiAnswer.Error(400, problem.Message));
        }

        var policy = query.GetValueOrDefault("policy");
        if (policy is not null && PolicyRules.CheckPolicyName(policy) is { } bad)
        {
            return (null, null, ApiAnswer.Error(400, bad));
        }

        return (pool, policy, null);
    }

    private static PoolDocument Pool(Zfs.PoolSummary p) =>
        new(p.Name, p.Health, p.Size, p.Allocated, p.Free, p.CapacityRatio, p.Fragmentation / 100.0);

    private static DatasetDocument Dataset(DatasetState d, DateTimeOffset now) =>
        new(d.Name, d.Pool, d.Used, d.Available, d.Referenced, d.Policy, d.Replica, d.SnapshotCount, d.NewestSnapshot, Replication(d, now));

    private static ReplicationDocument? Replication(DatasetState d, DateTimeOffset now) => d.Replication is { } r
        ? new ReplicationDocument(d.Name, d.Pool, d.Policy, r.LastSuccess, r.LastDuration.TotalSeconds, r.LastBytes, (now - r.LastSuccess).TotalSeconds)
        : null;

    private static SnapshotDocument Snapshot(Domain.Snapshots.Snapshot s) =>
        new(s.FullName, s.Creation, s.CreateTxg, s.UserRefs, s.Own is not null, s.Own?.Interval.YamlName());
}
