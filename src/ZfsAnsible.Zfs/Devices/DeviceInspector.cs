using System.Collections.Immutable;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Zfs.Execution;
using ZfsAnsible.Zfs.Parsing;

namespace ZfsAnsible.Zfs.Devices;

/// <summary>
/// Looks at devices before a pool is written over them: what they are (links resolved, partitions
/// mapped to their disk), whether anything uses them now, and what blkid finds on them.
/// The /proc, /sys and /dev roots are parameters so tests can lay out a fake system.
/// </summary>
public sealed class DeviceInspector(ICommandRunner runner, string procRoot = "/proc", string sysRoot = "/sys", string devRoot = "/dev")
{
    private readonly string _devPrefix = devRoot.TrimEnd('/') + "/";

    /// <summary>Inspects each device; <paramref name="imported"/> is zpool status of all imported pools.</summary>
    public Result<ImmutableDictionary<string, DeviceReport>> Inspect(IEnumerable<string> devices, IEnumerable<PoolStatus> imported)
    {
        var members = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pool in imported)
        {
            foreach (var leaf in pool.AllLeaves)
            {
                members.TryAdd(Canonical(leaf.Name), pool.Name);
                if (WholeDiskOf(Canonical(leaf.Name)) is { } disk)
                {
                    members.TryAdd(disk, pool.Name);
                }
            }
        }

        var mounts = ReadTable(Path.Combine(procRoot, "self", "mounts")).Select(f => (Source: f[0], Target: f.Length > 1 ? f[1] : "?")).ToList();
        var swaps = ReadTable(Path.Combine(procRoot, "swaps")).Skip(1).Select(f => f[0]).ToList();

        var reports = ImmutableDictionary.CreateBuilder<string, DeviceReport>(StringComparer.Ordinal);
        foreach (var device in devices.Distinct(StringComparer.Ordinal))
        {
            var report = InspectOne(device, members, mounts, swaps);
            if (!report.IsOk)
            {
                return Result<ImmutableDictionary<string, DeviceReport>>.Fail(report.Error);
            }

            reports[device] = report.Value;
        }

        return Result.Ok(reports.ToImmutable());
    }

    /// <summary>The path with every symlink resolved (a /dev/disk/by-id link becomes /dev/sdX).</summary>
    public static string Canonical(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Exists ? info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName : path;
        }
        catch (IOException)
        {
            return path;
        }
        catch (UnauthorizedAccessException)
        {
            return path;
        }
    }

    /// <summary>The sysfs folder of a block device node (/dev/sdb -> /sys/class/block/sdb), or null for anything else.</summary>
    private string? BlockEntry(string canonicalPath)
    {
        if (!canonicalPath.StartsWith(_devPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var entry = Path.Combine(sysRoot, "class", "block", Path.GetFileName(canonicalPath));
        return Directory.Exists(entry) ? entry : null;
    }

    /// <summary>For /dev/sdb1 (a partition per sysfs), /dev/sdb; null for anything else.</summary>
    public string? WholeDiskOf(string canonicalPath)
    {
        var blockEntry = BlockEntry(canonicalPath);
        if (blockEntry is null || !File.Exists(Path.Combine(blockEntry, "partition")))
        {
            return null;
        }

        // /sys/class/block/sdb1 links into .../block/sdb/sdb1: the parent folder names the disk.
        var resolved = Directory.ResolveLinkTarget(blockEntry, returnFinalTarget: true)?.FullName ?? blockEntry;
        return _devPrefix + Path.GetFileName(Path.GetDirectoryName(resolved));
    }

    private Result<DeviceReport> InspectOne(string device, Dictionary<string, string> members, List<(string Source, string Target)> mounts, List<string> swaps)
    {
        if (!File.Exists(device))
        {
            return Result.Ok(new DeviceReport(device, false, device, null, []));
        }

        var canonical = Canonical(device);
        var inUse = InUse(canonical, members, mounts, swaps);
        var signatures = Signatures(device, canonical);
        return signatures.Map(found => new DeviceReport(device, true, canonical, inUse, found, BlockEntry(canonical) is not null, WholeDiskOf(canonical)));
    }

    private string? InUse(string canonical, Dictionary<string, string> members, List<(string Source, string Target)> mounts, List<string> swaps)
    {
        if (members.TryGetValue(canonical, out var pool))
        {
            return $"member of imported pool {pool}";
        }

        foreach (var (source, target) in mounts)
        {
            if (!source.StartsWith('/'))
            {
                continue;
            }

            var mounted = Canonical(source);
            if (mounted == canonical || WholeDiskOf(mounted) == canonical)
            {
                return $"{source} is mounted at {target}";
            }
        }

        foreach (var swap in swaps)
        {
            var active = Canonical(swap);
            if (active == canonical || WholeDiskOf(active) == canonical)
            {
                return $"{swap} is active swap";
            }
        }

        // A disk is busy when it, or any of its partitions, is held by device-mapper, md or LVM.
        if (BlockEntry(canonical) is { } entry)
        {
            foreach (var node in Partitions(entry).Select(p => Path.Combine(entry, p)).Prepend(entry))
            {
                var holders = Path.Combine(node, "holders");
                if (Directory.Exists(holders) && Directory.EnumerateFileSystemEntries(holders).FirstOrDefault() is { } holder)
                {
                    return $"{Path.GetFileName(node)} is held by {Path.GetFileName(holder)} (device mapper, md or LVM)";
                }
            }
        }

        return null;
    }

    private Result<ImmutableArray<string>> Signatures(string device, string canonical)
    {
        var found = ImmutableArray.CreateBuilder<string>();

        // -p probes the device itself, bypassing blkid's cache, so a fresh label is seen.
        var probe = runner.Run(Command.Of("blkid", "-p", "-o", "export", device));
        switch (probe.ExitCode)
        {
            case 0:
                var fields = probe.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(line => line.Split('=', 2))
                    .Where(pair => pair.Length == 2)
                    .GroupBy(pair => pair[0])
                    .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
                if (fields.TryGetValue("TYPE", out var type))
                {
                    found.Add(type == "zfs_member"
                        ? $"a ZFS label (pool {fields.GetValueOrDefault("LABEL", "unknown")})"
                        : $"a {type} signature");
                }

                if (fields.TryGetValue("PTTYPE", out var table))
                {
                    found.Add($"a {table} partition table");
                }

                break;
            case 2:
                break; // nothing recognisable on the device
            case 8:
                found.Add("ambiguous signatures (blkid found more than one)");
                break;
            case 127:
                return Result<ImmutableArray<string>>.Fail($"cannot check {device} for existing data: blkid (util-linux) is not installed");
            default:
                return Result<ImmutableArray<string>>.Fail(new ZfsCommandError(probe));
        }

        if (BlockEntry(canonical) is { } blockEntry && Partitions(blockEntry) is { Count: > 0 } partitions)
        {
            found.Add($"partitions ({string.Join(", ", partitions)})");
        }

        return Result.Ok(found.ToImmutable());
    }

    /// <summary>Partition names under a disk's sysfs folder (sdb1, sdb2, ...).</summary>
    private static List<string> Partitions(string blockEntry) =>
        [.. Directory.EnumerateDirectories(blockEntry)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => File.Exists(Path.Combine(blockEntry, name, "partition")))
            .Order(StringComparer.Ordinal)];

    private static IEnumerable<string[]> ReadTable(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        return File.ReadAllLines(path)
            .Select(line => line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 0)
            .Select(fields => fields.Select(UnescapeOctal).ToArray());
    }

    /// <summary>/proc/mounts writes a space in a path as \040.</summary>
    private static string UnescapeOctal(string field) =>
        field.Contains('\\', StringComparison.Ordinal)
            ? System.Text.RegularExpressions.Regex.Replace(field, @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString())
            : field;
}
