using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Naming;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Domain.Properties;
using ZfsAnsible.ModuleProtocol.Arguments;
using ZfsAnsible.Policies;

namespace ZfsAnsible.Modules.ZfsPool;

/// <summary>Turns validated parameters into a <see cref="PoolDeclaration"/>, checking what the spec cannot: names, devices, vdev sizes.</summary>
public static class PoolDeclarationReader
{
    private static readonly ImmutableDictionary<string, (VdevLayout Layout, int MinDevices)> Layouts = new Dictionary<string, (VdevLayout, int)>
    {
        ["stripe"] = (VdevLayout.Disk, 1),
        ["mirror"] = (VdevLayout.Mirror, 2),
        ["raidz1"] = (VdevLayout.Raidz1, 2),
        ["raidz2"] = (VdevLayout.Raidz2, 3),
        ["raidz3"] = (VdevLayout.Raidz3, 4),
    }.ToImmutableDictionary();

    public static Result<PoolDeclaration> Read(ModuleParameters parameters)
    {
        var name = parameters.RequiredString("name");
        if (ZfsNames.CheckPoolName(name) is { } nameError)
        {
            return nameError;
        }

        var topology = ReadTopology(parameters);
        if (!topology.IsOk)
        {
            return topology.Error;
        }

        var properties = ReadProperties(parameters, "properties");
        var filesystemProperties = ReadProperties(parameters, "filesystem_properties");
        var directories = parameters.StringList("search_directories");
        // "none" and "legacy" are mountpoint values zpool create -m accepts besides a path.
        var mountpoint = parameters.String("mountpoint") is "none" or "legacy" ? null : parameters.String("mountpoint");
        foreach (var path in new[] { mountpoint, parameters.String("altroot") }.Concat(directories))
        {
            if (path is not null && CheckPath(path) is { } pathError)
            {
                return pathError;
            }
        }

        if (Error.Join(properties.Error, filesystemProperties.Error) is { } propertyProblems)
        {
            return propertyProblems;
        }

        return Result.Ok(new PoolDeclaration(
            name,
            Enum.Parse<PoolState>(parameters.RequiredString("state"), ignoreCase: true),
            topology.Value,
            properties.Value,
            filesystemProperties.Value,
            parameters.String("mountpoint"),
            parameters.String("altroot"),
            parameters.Bool("force"),
            parameters.Bool("allow_destroy"),
            parameters.Bool("add_vdevs"),
            directories));
    }

    /// <summary>Null when no vdev of any class is declared: the task then does not manage the topology.</summary>
    private static Result<PoolTopology?> ReadTopology(ModuleParameters parameters)
    {
        var vdevs = ImmutableArray.CreateBuilder<TopLevelVdev>();
        foreach (var (option, vdevClass) in new[] { ("vdevs", VdevClass.Data), ("log", VdevClass.Log), ("special", VdevClass.Special) })
        {
            foreach (var vdev in parameters.List(option))
            {
                var type = vdev.RequiredString("type");
                var devices = ReadDevices(vdev.StringList("devices"));
                if (!devices.IsOk)
                {
                    return devices.Error;
                }

                var (layout, minimum) = Layouts[type];
                if (devices.Value.Length < minimum)
                {
                    return Result<PoolTopology?>.Fail($"a {type} vdev in {option} needs at least {minimum} devices, got {devices.Value.Length}");
                }

                vdevs.AddRange(layout == VdevLayout.Disk
                    ? devices.Value.Select(d => TopLevelVdev.Disk(vdevClass, d))
                    : [new TopLevelVdev(vdevClass, layout, devices.Value)]);
            }
        }

        foreach (var (option, vdevClass) in new[] { ("cache", VdevClass.Cache), ("spare", VdevClass.Spare) })
        {
            var devices = ReadDevices(parameters.StringList(option));
            if (!devices.IsOk)
            {
                return devices.Error;
            }

            vdevs.AddRange(devices.Value.Select(d => TopLevelVdev.Disk(vdevClass, d)));
        }

        return Result.Ok<PoolTopology?>(vdevs.Count == 0 ? null : new PoolTopology(vdevs.ToImmutable()));
    }

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

    /// <summary>Pool properties and the root filesystem's, under the same rules as every declared property.</summary>
    private static Result<ImmutableSortedDictionary<string, string>> ReadProperties(ModuleParameters parameters, string option) =>
        PropertyValueReader.ReadChecked(option, parameters.Dict(option), option == "properties" ? PropertyHolder.Pool : PropertyHolder.Dataset);

    private static Error? CheckPath(string path) =>
        path.Length == 0 || path[0] != '/' || path.Any(char.IsControl) || path.Length > DevicePaths.MaxPathLength
            ? new Error($"'{ZfsNames.Printable(path)}' must be an absolute path")
            : null;
}
