using System.Collections.Immutable;

namespace ZfsAnsible.Domain.Pools;

/// <summary>What inspecting one device found (gathered by the ZFS layer, judged here).</summary>
/// <param name="Path">The device as declared.</param>
/// <param name="Exists">Whether the path exists at all.</param>
/// <param name="Identity">The device node the path stands for, every link resolved.</param>
/// <param name="InUseBy">Why the device is busy right now (mounted, swap, member of an imported pool), or null.</param>
/// <param name="Signatures">What is written on it: a ZFS label, a partition table, a filesystem.</param>
/// <param name="IsBlockDevice">A disk or partition, as opposed to a plain file.</param>
/// <param name="WholeDisk">For a partition, the disk it is on.</param>
public sealed record DeviceReport(string Path, bool Exists, string Identity, string? InUseBy, ImmutableArray<string> Signatures, bool IsBlockDevice = false, string? WholeDisk = null)
{
    public static DeviceReport Clean(string path) => new(path, true, path, null, []);
}

/// <summary>docs/safety.md rule 1: never write a pool over a device that is in use or holds something.</summary>
public static class DeviceSafety
{
    public static Error? Check(PoolTopology topology, IReadOnlyDictionary<string, DeviceReport> reports, bool force)
    {
        var problems = new List<string>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (device, vdevClass) in topology.Vdevs.SelectMany(v => v.Devices.Select(d => (d, v.Class))))
        {
            if (!reports.TryGetValue(device, out var report))
            {
                problems.Add($"{device} was not inspected");
                continue;
            }

            if (!report.Exists)
            {
                problems.Add($"{device} does not exist");
                continue;
            }

            if (seen.TryGetValue(report.Identity, out var first))
            {
                problems.Add(first == device ? $"{device} is declared twice" : $"{device} and {first} are the same device ({report.Identity})");
                continue;
            }

            seen[report.Identity] = device;
            if (report.WholeDisk is { } disk && reports.Values.FirstOrDefault(r => r.Identity == disk && topology.AllDevices.Contains(r.Path)) is { } whole)
            {
                problems.Add($"{device} is a partition of {whole.Path}, which is declared too");
                continue;
            }

            // ZFS refuses files as L2ARC; saying so here keeps check mode truthful.
            if (vdevClass == VdevClass.Cache && !report.IsBlockDevice)
            {
                problems.Add($"{device} is not a block device, and a cache device must be a disk or partition");
                continue;
            }

            // Busy devices are refused even with force: overwriting them would destroy live data.
            if (report.InUseBy is not null)
            {
                problems.Add($"{device} is in use ({report.InUseBy})");
            }
            else if (!force && !report.Signatures.IsEmpty)
            {
                problems.Add($"{device} carries {string.Join(" and ", report.Signatures)} (set force: true to overwrite it)");
            }
        }

        return problems.Count == 0 ? null : new Error("refusing to use devices: " + string.Join("; ", problems));
    }
}
