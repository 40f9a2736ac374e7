using System.Collections.Immutable;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Zfs;
using ZfsAnsible.Zfs.Devices;
using ZfsAnsible.Zfs.Parsing;

namespace ZfsAnsible.Modules.ZfsPool;

/// <summary>Gathers everything the planner needs about one pool in as few zpool calls as it can.</summary>
public sealed class PoolObserver(Zpool zpool, ZfsDatasets datasets, DeviceInspector devices)
{
    public Result<PoolObservation> Observe(PoolDeclaration declared)
    {
        var statuses = zpool.Status();
        if (!statuses.IsOk)
        {
            return statuses.Error;
        }

        var declaredDevices = declared.Topology?.AllDevices.ToImmutableArray() ?? [];
        var own = statuses.Value.FirstOrDefault(s => s.Name == declared.Name);
        if (own is not null)
        {
            return ObserveImported(declared, own, statuses.Value, declaredDevices);
        }

        var presence = PoolPresence.Absent;
        if (declared.State != PoolState.Absent)
        {
            var importable = zpool.Importable(declared.SearchDirectories);
            if (!importable.IsOk)
            {
                return importable.Error;
            }

            presence = importable.Value.Contains(declared.Name) ? PoolPresence.Exported : PoolPresence.Absent;
        }

        var needsDevices = presence == PoolPresence.Absent && declared.State == PoolState.Present;
        return devices.Inspect(needsDevices ? declaredDevices : [], statuses.Value)
            .Map(reports => presence == PoolPresence.Exported ? PoolObservation.Exported(reports) : PoolObservation.Absent(reports));
    }

    private Result<PoolObservation> ObserveImported(PoolDeclaration declared, PoolStatus own, ImmutableArray<PoolStatus> all, ImmutableArray<string> declaredDevices)
    {
        var properties = zpool.Properties(declared.Name, [.. declared.Properties.Keys]);
        if (!properties.IsOk)
        {
            return properties.Error;
        }

        var filesystemProperties = datasets.Properties(declared.Name, [.. PoolPlanner.FilesystemPropertiesOf(declared).Keys]);
        if (!filesystemProperties.IsOk)
        {
            return filesystemProperties.Error;
        }

        // Identities fold the partition zpool made on a declared whole disk onto that disk.
        var declaredIdentities = declaredDevices.Select(DeviceInspector.Canonical).ToHashSet(StringComparer.Ordinal);
        var identities = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var leaf in own.AllLeaves.Select(l => l.Name).Concat(declaredDevices))
        {
            var canonical = DeviceInspector.Canonical(leaf);
            identities[leaf] = devices.WholeDiskOf(canonical) is { } disk && declaredIdentities.Contains(disk) ? disk : canonical;
        }

        // Only devices not already in the pool can end up in a zpool add, so only those are inspected.
        var inPool = own.AllLeaves.Select(l => identities[l.Name]).ToHashSet(StringComparer.Ordinal);
        var candidates = declaredDevices.Where(d => !inPool.Contains(identities[d]));
        return devices.Inspect(candidates, all).Map(reports => new PoolObservation(
            PoolPresence.Imported, own.ToTopology(), properties.Value, filesystemProperties.Value, reports, identities));
    }
}
