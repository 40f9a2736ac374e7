using System.Collections.Immutable;
using System.Globalization;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Datasets;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Domain.Properties;
using ZfsAnsible.Domain.Replication;
using ZfsAnsible.Domain.Snapshots;
using ZfsAnsible.Zfs.Execution;
using ZfsAnsible.Zfs.Parsing;

namespace ZfsAnsible.Zfs;

/// <summary>Every dataset's zfsansible: policy properties and every snapshot below some roots, from one zfs get.</summary>
public sealed record SnapshotInventory(
    ImmutableDictionary<string, ImmutableDictionary<string, ObservedProperty>> Datasets,
    ImmutableDictionary<string, ImmutableArray<Snapshot>> Snapshots);

/// <summary>
/// Snapshots through "zfs get -H -p -r", the one listing every supported CLI answers in exact numbers (zfs-fuse
/// has no "zfs list -p" and no "zfs get -t").
/// </summary>
public sealed class ZfsSnapshots(ICommandRunner runner, ZfsCapabilities capabilities)
{
    private readonly ZfsExecutor _zfs = new(runner);

    private static readonly string[] SnapshotProperties = ["createtxg", "creation", "userrefs", ZfsAnsibleProperties.Replicated];

    /// <param name="extraProperties">Read beside the policy and snapshot properties, in the same pass (zfs-api: sizes).</param>
    public Result<SnapshotInventory> Inventory(IReadOnlyCollection<string> roots, IReadOnlyCollection<string>? extraProperties = null)
    {
        if (roots.Count == 0)
        {
            return Result.Ok(new SnapshotInventory(ImmutableDictionary<string, ImmutableDictionary<string, ObservedProperty>>.Empty, ImmutableDictionary<string, ImmutableArray<Snapshot>>.Empty));
        }

        var properties = string.Join(',', ZfsAnsibleProperties.ManagedNames.Concat(SnapshotProperties).Concat(extraProperties ?? []).Distinct(StringComparer.Ordinal));
        var command = Command.Of("zfs", "get", "-H", "-p", "-r", "-o", "name,property,value,source", properties).WithArguments(roots);
        var output = _zfs.Read(command);
        if (!output.IsOk)
        {
            return output.Error;
        }

        var datasets = ImmutableDictionary.CreateBuilder<string, ImmutableDictionary<string, ObservedProperty>>(StringComparer.Ordinal);
        var snapshots = new Dictionary<string, List<Snapshot>>(StringComparer.Ordinal);
        // One object at a time: a snapshot's rows are garbage once its record is made.
        foreach (var (name, values) in GetOutput.Objects(output.Value))
        {
            var at = name.IndexOf('@', StringComparison.Ordinal);
            if (at < 0)
            {
                datasets.TryAdd(name, values);
                continue;
            }

            if (ReadSnapshot(name[..at], name[(at + 1)..], values) is not { } snapshot)
            {
                return new ZfsOutputError(command, $"snapshot {name} has no readable createtxg, creation or userrefs");
            }

            (snapshots.TryGetValue(snapshot.Dataset, out var list) ? list : snapshots[snapshot.Dataset] = []).Add(snapshot);
        }

        return Result.Ok(new SnapshotInventory(
            datasets.ToImmutable(),
            snapshots.ToImmutableDictionary(s => s.Key, s => s.Value.OrderBy(x => x.CreateTxg).ToImmutableArray(), StringComparer.Ordinal)));
    }

    /// <summary>The targets a snapshot is the base of: only a value set on the snapshot itself counts, never an inherited one.</summary>
    public static string MarkOf(IReadOnlyDictionary<string, ObservedProperty> values) =>
        values.TryGetValue(ZfsAnsibleProperties.Replicated, out var mark) && mark.IsLocal && mark.Value != "-" ? mark.Value : string.Empty;

    public static bool TryNumber(IReadOnlyDictionary<string, ObservedProperty> values, string property, out long number)
    {
        number = 0;
        return values.TryGetValue(property, out var value) && long.TryParse(value.Value, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    private static Snapshot? ReadSnapshot(string dataset, string name, IReadOnlyDictionary<string, ObservedProperty> values) =>
        TryNumber(values, "createtxg", out var txg) && TryNumber(values, "creation", out var creation) && TryNumber(values, "userrefs", out var holds)
            ? new Snapshot(dataset, name, txg, DateTimeOffset.FromUnixTimeSeconds(creation), (int)Math.Min(holds, int.MaxValue), MarkOf(values))
            : null;

    /// <summary>
    /// Takes snapshots: on OpenZFS all of one name and one pool in a single atomic "zfs snapshot a@n b@n" (one
    /// command cannot span pools); zfs-fuse takes one argument per command.
    /// </summary>
    public ImmutableArray<Command> TakeCommands(IEnumerable<PlannedSnapshot> snapshots) => capabilities.MultiSnapshot
        ? [.. snapshots.GroupBy(s => (Pool: PoolOf(s.Dataset), Name: s.Name.ToString()))
            .Select(g => Command.Of("zfs", "snapshot").WithArguments(g.Select(s => s.FullName)))]
        : [.. snapshots.Select(s => Command.Of("zfs", "snapshot", s.FullName))];

    /// <summary>
    /// Destroys snapshots: one "zfs destroy ds@a,b,c" per dataset where the CLI takes comma lists, else one each.
    /// Never -d (deferred): a snapshot held since planning must make the destroy fail, not be destroyed later.
    /// </summary>
    public ImmutableArray<Command> DestroyCommands(IEnumerable<Snapshot> snapshots) => capabilities.CommaListDestroy
        ? [.. snapshots.GroupBy(s => s.Dataset, StringComparer.Ordinal).SelectMany(g => g.Chunk(DestroyBatch))
            .Select(batch => Command.Of("zfs", "destroy", $"{batch[0].Dataset}@{string.Join(',', batch.Select(s => s.Name))}"))]
        : [.. snapshots.Select(s => Command.Of("zfs", "destroy", s.FullName))];

    private static string PoolOf(string dataset) => dataset.Split('/')[0];

    /// <summary>Keeps one argument well below the kernel's limit for a single argv string.</summary>
    private const int DestroyBatch = 200;
}
