using System.Collections.Immutable;
using System.Globalization;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Datasets;
using ZfsAnsible.Domain.Snapshots;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Zfs;

/// <summary>Every dataset's zfsansible: policy properties and every snapshot below some roots, from one zfs get.</summary>
public sealed record SnapshotInventory(
    ImmutableDictionary<string, IReadOnlyDictionary<string, PolicyPropertyValue>> Datasets,
    ImmutableDictionary<string, ImmutableArray<Snapshot>> Snapshots);

/// <summary>
/// Snapshots through "zfs get -H -p -r", the one listing every supported CLI answers in exact numbers (zfs-fuse
/// has no "zfs list -p" and no "zfs get -t").
/// </summary>
public sealed class ZfsSnapshots(ICommandRunner runner, ZfsCapabilities capabilities)
{
    /// <summary>zfs_replicate marks the snapshot a target received last; prune keeps the newest one marked.</summary>
    public const string ReplicatedProperty = "zfsansible:replicated";

    private static readonly string[] SnapshotProperties = ["createtxg", "creation", "userrefs", ReplicatedProperty];

    public Result<SnapshotInventory> Inventory(IReadOnlyCollection<string> roots)
    {
        if (roots.Count == 0)
        {
            return Result.Ok(new SnapshotInventory(ImmutableDictionary<string, IReadOnlyDictionary<string, PolicyPropertyValue>>.Empty, ImmutableDictionary<string, ImmutableArray<Snapshot>>.Empty));
        }

        var properties = string.Join(',', PolicyProperties.Names.Concat(SnapshotProperties));
        var command = Command.Of("zfs", "get", "-H", "-p", "-r", "-o", "name,property,value,source", properties).WithArguments(roots);
        var result = runner.Run(command);
        if (!result.Succeeded)
        {
            return new ZfsCommandError(result);
        }

        var rows = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.TrimEnd('\r').Split('\t'))
            .Where(fields => fields.Length >= 4 && !fields[0].Contains('#', StringComparison.Ordinal))
            .GroupBy(fields => fields[0], StringComparer.Ordinal);
        var datasets = ImmutableDictionary.CreateBuilder<string, IReadOnlyDictionary<string, PolicyPropertyValue>>(StringComparer.Ordinal);
        var snapshots = new Dictionary<string, List<Snapshot>>(StringComparer.Ordinal);
        foreach (var group in rows)
        {
            var values = group.ToDictionary(f => f[1], f => new PolicyPropertyValue(f[2], f[3]), StringComparer.Ordinal);
            var at = group.Key.IndexOf('@', StringComparison.Ordinal);
            if (at < 0)
            {
                datasets[group.Key] = values;
                continue;
            }

            if (!TryReadSnapshot(group.Key[..at], group.Key[(at + 1)..], values, out var snapshot))
            {
                return new ZfsOutputError(command, $"snapshot {group.Key} has no readable createtxg, creation or userrefs");
            }

            (snapshots.TryGetValue(snapshot.Dataset, out var list) ? list : snapshots[snapshot.Dataset] = []).Add(snapshot);
        }

        return Result.Ok(new SnapshotInventory(
            datasets.ToImmutable(),
            snapshots.ToImmutableDictionary(s => s.Key, s => s.Value.OrderBy(x => x.CreateTxg).ToImmutableArray(), StringComparer.Ordinal)));
    }

    private static bool TryReadSnapshot(string dataset, string name, Dictionary<string, PolicyPropertyValue> values, out Snapshot snapshot)
    {
        snapshot = null!;
        if (!Number(values, "createtxg", out var txg) || !Number(values, "creation", out var creation) || !Number(values, "userrefs", out var holds))
        {
            return false;
        }

        // Only a mark set on the snapshot itself counts; a value inherited from the dataset marks nothing.
        var marked = values.TryGetValue(ReplicatedProperty, out var mark) && mark.Source == "local" && mark.Value is not ("-" or "");
        snapshot = new Snapshot(dataset, name, txg, DateTimeOffset.FromUnixTimeSeconds(creation), (int)Math.Min(holds, int.MaxValue), marked);
        return true;
    }

    private static bool Number(Dictionary<string, PolicyPropertyValue> values, string property, out long number)
    {
        number = 0;
        return values.TryGetValue(property, out var value) && long.TryParse(value.Value, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>
    /// Takes snapshots: on OpenZFS all of one name in a single atomic "zfs snapshot a@n b@n"; zfs-fuse takes one
    /// argument per command.
    /// </summary>
    public ImmutableArray<Command> TakeCommands(IEnumerable<PlannedSnapshot> snapshots) => capabilities.MultiSnapshot
        ? [.. snapshots.GroupBy(s => s.Name.ToString(), StringComparer.Ordinal).Select(g => Command.Of("zfs", "snapshot").WithArguments(g.Select(s => s.FullName)))]
        : [.. snapshots.Select(s => Command.Of("zfs", "snapshot", s.FullName))];

    /// <summary>
    /// Destroys snapshots: one "zfs destroy ds@a,b,c" per dataset where the CLI takes comma lists, else one each.
    /// Never -d (deferred): a snapshot held since planning must make the destroy fail, not be destroyed later.
    /// </summary>
    public ImmutableArray<Command> DestroyCommands(IEnumerable<Snapshot> snapshots) => capabilities.CommaListDestroy
        ? [.. snapshots.GroupBy(s => s.Dataset, StringComparer.Ordinal).SelectMany(g => g.Chunk(DestroyBatch))
            .Select(batch => Command.Of("zfs", "destroy", $"{batch[0].Dataset}@{string.Join(',', batch.Select(s => s.Name))}"))]
        : [.. snapshots.Select(s => Command.Of("zfs", "destroy", s.FullName))];

    /// <summary>Keeps one argument well below the kernel's limit for a single argv string.</summary>
    private const int DestroyBatch = 200;
}
