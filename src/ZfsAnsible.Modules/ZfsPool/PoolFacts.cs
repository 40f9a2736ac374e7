using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Zfs;
using ZfsAnsible.Zfs.Parsing;

namespace ZfsAnsible.Modules.ZfsPool;

/// <summary>One top-level vdev as the task returns it.</summary>
public sealed record VdevFacts(string Class, string Type, string State, ImmutableArray<string> Devices);

/// <summary>The pool facts zfs_pool returns (field names are snake_case in JSON).</summary>
public sealed record PoolFacts(
    string Name,
    PoolPresence State,
    string? Health,
    long? Size,
    long? Allocated,
    long? Free,
    int? Capacity,
    int? Fragmentation,
    ImmutableSortedDictionary<string, string> Properties,
    ImmutableArray<VdevFacts> Vdevs)
{
    /// <summary>Reads the facts of an imported pool: summary (unless a listing already gave it), declared properties, vdev tree.</summary>
    public static Result<PoolFacts> Read(Zpool zpool, PoolDeclaration declared, PoolSummary? listed = null)
    {
        var summary = listed is null ? zpool.Summary(declared.Name) : Result.Ok(listed);
        var status = zpool.Status(declared.Name);
        var properties = zpool.Properties(declared.Name, [.. declared.Properties.Keys]);
        if (Error.Join(summary.Error, status.Error, properties.Error) is { } error)
        {
            return error;
        }

        var pool = summary.Value;
        return Result.Ok(new PoolFacts(
            pool.Name,
            PoolPresence.Imported,
            pool.Health,
            pool.Size,
            pool.Allocated,
            pool.Free,
            pool.Capacity,
            pool.Fragmentation,
            properties.Value.ToImmutableSortedDictionary(p => p.Key, p => p.Value.Value, StringComparer.Ordinal),
            [.. status.Value.SelectMany(VdevsOf)]));
    }

    private static IEnumerable<VdevFacts> VdevsOf(PoolStatus status) =>
        status.Classes.OrderBy(c => c.Key).SelectMany(c => c.Value.Select(node => new VdevFacts(
            c.Key.ToString().ToLowerInvariant(),
            TopLevelVdev.LayoutName(PoolStatus.LayoutOf(node)),
            node.State,
            [.. node.Leaves.Select(leaf => leaf.Name)])));
}

/// <summary>Pool presence in lower case ("imported"), as diffs and facts show it.</summary>
public sealed class PoolPresenceJsonConverter() : JsonStringEnumConverter<PoolPresence>(JsonNamingPolicy.SnakeCaseLower);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, Converters = [typeof(PoolPresenceJsonConverter)])]
[JsonSerializable(typeof(PoolFacts))]
[JsonSerializable(typeof(PoolSnapshot))]
internal sealed partial class ZfsPoolJsonContext : JsonSerializerContext;
