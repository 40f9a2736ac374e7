using System.Collections.Immutable;
using ZfsAnsible.Domain.Properties;

namespace ZfsAnsible.Domain.Pools;

/// <summary>The part of a pool a diff shows: presence, vdevs and the declared properties.</summary>
public sealed record PoolSnapshot(
    PoolPresence State,
    ImmutableArray<string> Vdevs,
    ImmutableSortedDictionary<string, string> Properties,
    ImmutableSortedDictionary<string, string> FilesystemProperties)
{
    public static PoolSnapshot Of(PoolDeclaration declared, PoolObservation observed) => new(
        observed.Presence,
        [.. observed.Topology.Vdevs.Select(v => v.ToString())],
        Pick(observed.Properties, declared.Properties.Keys),
        Pick(observed.FilesystemProperties, PoolPlanner.FilesystemPropertiesOf(declared).Keys));

    /// <summary>The snapshot once the plan has run: what --diff and check mode promise.</summary>
    public PoolSnapshot After(PoolPlan plan) => plan.Actions.Aggregate(this, (snapshot, action) => action switch
    {
        CreatePool create => new PoolSnapshot(
            PoolPresence.Imported,
            [.. create.Declaration.Topology!.Vdevs.Select(v => v.ToString())],
            create.Declaration.Properties,
            PoolPlanner.FilesystemPropertiesOf(create.Declaration)),
        ImportPool => snapshot with { State = PoolPresence.Imported },
        ExportPool => snapshot with { State = PoolPresence.Exported },
        DestroyPool => new PoolSnapshot(PoolPresence.Absent, [], ImmutableSortedDictionary<string, string>.Empty, ImmutableSortedDictionary<string, string>.Empty),
        AddVdevs add => snapshot with { Vdevs = snapshot.Vdevs.AddRange(add.Vdevs.Vdevs.Select(v => v.ToString())) },
        SetPoolProperty set => snapshot with { Properties = snapshot.Properties.SetItem(set.Property, set.Value) },
        SetFilesystemProperty set => snapshot with { FilesystemProperties = snapshot.FilesystemProperties.SetItem(set.Property, set.Value) },
        _ => snapshot,
    });

    private static ImmutableSortedDictionary<string, string> Pick(IReadOnlyDictionary<string, ObservedProperty> observed, IEnumerable<string> keys) =>
        keys.Where(observed.ContainsKey).ToImmutableSortedDictionary(key => key, key => observed[key].Value, StringComparer.Ordinal);
}
