using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZfsAnsible.Api.Collection;
using ZfsAnsible.Domain.Policies;
using ZfsAnsible.Domain.Snapshots;
using ZfsAnsible.Modules.ZfsPool;

namespace ZfsAnsible.Modules.ZfsFacts;

/// <summary>
/// The facts zfs_facts returns, from one collection (what zfs-api serves) and each pool's own facts (what zfs_pool
/// returns): pure, so the shape is tested without ZFS. Pools and datasets are keyed by name, for
/// <c>ansible_facts.zfs.datasets['tank/documents'].policy</c>.
/// </summary>
public static class HostFacts
{
    public static JsonObject Of(HostState state, IReadOnlyList<PoolFacts> pools, DateTimeOffset now)
    {
        var chosen = pools.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var compliance = state.Compliance.ToLookup(c => c.Dataset, StringComparer.Ordinal);
        var poolFacts = new JsonObject();
        foreach (var pool in pools.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            poolFacts[pool.Name] = JsonSerializer.SerializeToNode(pool, ZfsPoolJsonContext.Default.PoolFacts);
        }

        var datasets = new JsonObject();
        foreach (var dataset in state.Datasets.Where(d => chosen.Contains(d.Pool)))
        {
            datasets[dataset.Name] = Dataset(dataset, compliance[dataset.Name], state, now);
        }

        return new JsonObject
        {
            ["zfs_implementation"] = state.Implementation,
            ["collected_at"] = Time(state.CollectedAt),
            ["pools"] = poolFacts,
            ["datasets"] = datasets,
            ["policy_problems"] = new JsonArray([.. state.PolicyProblems.Select(p => (JsonNode?)JsonValue.Create(p))]),
        };
    }

    private static JsonObject Dataset(DatasetState d, IEnumerable<Compliance> compliance, HostState state, DateTimeOffset now) => new()
    {
        ["pool"] = d.Pool,
        ["used"] = d.Used,
        ["available"] = d.Available,
        ["referenced"] = d.Referenced,
        ["policy"] = d.Policy,
        ["replica"] = d.Replica,
        ["snapshots"] = d.SnapshotCount,
        ["newest_snapshot"] = d.NewestSnapshot is { } newest ? Time(newest) : null,
        ["compliance"] = new JsonArray([.. compliance.Select(c => (JsonNode?)new JsonObject
        {
            ["interval"] = c.Interval.YamlName(),
            ["retained"] = c.Retained,
            ["target"] = c.Target,
            ["ratio"] = c.Ratio,
            ["newest_age_seconds"] = state.NewestAgeAt(c, now) is { } age ? Math.Round(age.TotalSeconds) : null,
        })]),
        ["replication"] = d.Replication is { } r ? new JsonObject
        {
            ["last_success"] = Time(r.LastSuccess),
            ["last_duration_seconds"] = r.LastDuration.TotalSeconds,
            ["last_bytes"] = r.LastBytes,
            ["age_seconds"] = Math.Round((now - r.LastSuccess).TotalSeconds),
        } : null,
    };

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
