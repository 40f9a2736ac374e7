using System.Collections.Immutable;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Naming;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Domain.Properties;
using ZfsAnsible.Policies;

namespace ZfsAnsible.Modules.ZfsPool;

/// <summary>Turns zfs_pool's arguments into a <see cref="PoolDeclaration"/>, checking what the spec cannot: names, devices, vdev sizes.</summary>
public static class PoolDeclarationReader
{
    public static Result<PoolDeclaration> Read(ZfsPoolArguments arguments)
    {
        if (ZfsNames.CheckPoolName(arguments.Name) is { } nameError)
        {
            return nameError;
        }

        var topology = ReadTopology(arguments);
        if (!topology.IsOk)
        {
            return topology.Error;
        }

        // "none" and "legacy" are mountpoint values zpool create -m accepts besides a path.
        var mountpoint = arguments.Mountpoint is "none" or "legacy" ? null : arguments.Mountpoint;
        foreach (var path in new[] { mountpoint, arguments.Altroot }.Concat(arguments.SearchDirectories))
        {
            if (path is not null && CheckPath(path) is { } pathError)
            {
                return pathError;
            }
        }

        var properties = PropertyValueReader.ReadChecked("properties", arguments.Properties, PropertyHolder.Pool);
        var filesystemProperties = PropertyValueReader.ReadChecked("filesystem_properties", arguments.FilesystemProperties, PropertyHolder.Dataset);
        if (Error.Join(properties.Error, filesystemProperties.Error) is { } propertyProblems)
        {
            return propertyProblems;
        }

        return new PoolDeclaration(
            arguments.Name,
            arguments.State,
            topology.Value,
            properties.Value,
            filesystemProperties.Value,
            arguments.Mountpoint,
            arguments.Altroot,
            arguments.Force,
            arguments.AllowDestroy,
            arguments.AddVdevs,
            arguments.SearchDirectories);
    }

    /// <summary>Null when no vdev of any class is declared: the task then does not manage the topology.</summary>
    private static Result<PoolTopology?> ReadTopology(ZfsPoolArguments arguments)
    {
        var vdevs = ImmutableArray.CreateBuilder<TopLevelVdev>();
        foreach (var (option, declared, vdevClass) in new[] { ("vdevs", arguments.Vdevs, VdevClass.Data), ("log", arguments.Log, VdevClass.Log), ("special", arguments.Special, VdevClass.Special) })
        {
            foreach (var vdev in declared)
            {
                var devices = ReadDevices(vdev.Devices);
                if (!devices.IsOk)
                {
                    return devices.Error;
                }

                var (layout, minimum) = Layout(vdev.Type);
                if (devices.Value.Length < minimum)
                {
                    return Result<PoolTopology?>.Fail($"a {vdev.Type.ToString().ToLowerInvariant()} vdev in {option} needs at least {minimum} devices, got {devices.Value.Length}");
                }

                vdevs.AddRange(layout == VdevLayout.Disk
                    ? devices.Value.Select(d => TopLevelVdev.Disk(vdevClass, d))
                    : [new TopLevelVdev(vdevClass, layout, devices.Value)]);
            }
        }

        foreach (var (declared, vdevClass) in new[] { (arguments.Cache, VdevClass.Cache), (arguments.Spare, VdevClass.Spare) })
        {
            var devices = ReadDevices(declared);
            if (!devices.IsOk)
            {
                return devices.Error;
            }

            vdevs.AddRange(devices.Value.Select(d => TopLevelVdev.Disk(vdevClass, d)));
        }

        return Result.Ok<PoolTopology?>(vdevs.Count == 0 ? null : new PoolTopology(vdevs.ToImmutable()));
    }

    private static (VdevLayout Layout, int MinDevices) Layout(VdevType type) => type switch
    {
        VdevType.Mirror => (VdevLayout.Mirror, 2),
        VdevType.Raidz1 => (VdevLayout.Raidz1, 2),
        VdevType.Raidz2 => (VdevLayout.Raidz2, 3),
        VdevType.Raidz3 => (VdevLayout.Raidz3, 4),
        _ => (VdevLayout.Disk, 1),
    };

    private static Result<ImmutableArray<string>> ReadDevices(IEnumerable<string> devices)
    {
        var normalized = ImmutableArray.CreateBuilder<string>();
        foreach (var device in devices)
        {
            var path = DevicePaths.Normalize(device);
            if (!path.IsOk)
            {
                return path.Error;
            }

            normalized.Add(path.Value);
        }

        return Result.Ok(normalized.ToImmutable());
    }

    private static Error? CheckPath(string path) =>
        path.Length == 0 || path[0] != '/' || path.Any(char.IsControl) || path.Length > DevicePaths.MaxPathLength
            ? new Error($"'{ZfsNames.Printable(path)}' must be an absolute path")
            : null;
}
