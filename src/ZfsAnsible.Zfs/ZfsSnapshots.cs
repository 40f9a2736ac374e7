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

/// <summary>Every dataset's zfsansible: policy properties below some roots, and their snapshots (all, or those of chosen datasets).</summary>
public sealed record SnapshotInventory(
    ImmutableDictionary<string, ImmutableDictionary<string, ObservedProperty>> Datasets,
    ImmutableDictionary<string, ImmutableArray<Snapshot>> Snapshots);

/// <summary>
/// Snapshots through "zfs get -H -p -r", the one listing every supported CLI answers in exact numbers (zfs-fuse
/// has no "zfs list -p" and no "zfs get -t"); where the CLI has both, the snapshot timer lists only the datasets'
/// properties, then only the snapshots of the datasets it manages (<see cref="InventoryOf"/>).
/// </summary>
public sealed class ZfsSnapshots(ICommandRunner runner, ZfsCapabilities capabilities)
{
    private readonly ZfsExecutor _zfs = new(runner);

    private static readonly string[] SnapshotProperties = ["createtxg", "creation", "userrefs", ZfsAnsibleProperties.Replicated];

    /// <summary>Dataset names per "zfs list" command: well inside the kernel's limit on a command line.</summary>
    private const int DatasetsPerListing = 1000;

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

    /// <summary>
    /// Every dataset's zfsansible: properties below <paramref name="roots"/>, and the snapshots of only the datasets
    /// <paramref name="selected"/> picks from them: a backup server's 100,000 snapshots of unmanaged replicas are never
    /// listed, and a managed snapshot costs one short row instead of a dozen property rows.
    /// </summary>
    public Result<SnapshotInventory> InventoryOf(IReadOnlyCollection<string> roots, Func<IReadOnlyDictionary<string, ImmutableDictionary<string, ObservedProperty>>, IEnumerable<string>> selected)
    {
        // "zfs list -p" and "zfs get -t" came to OpenZFS together; zfs-fuse has neither.
        if (!capabilities.ParsableOutput || roots.Count == 0)
        {
            return Inventory(roots).Map(all =>
            {
                var keep = selected(all.Datasets).ToHashSet(StringComparer.Ordinal);
                return all with { Snapshots = all.Snapshots.Where(s => keep.Contains(s.Key)).ToImmutableDictionary(StringComparer.Ordinal) };
            });
        }

        var properties = string.Join(',', ZfsAnsibleProperties.ManagedNames.Append(ZfsAnsibleProperties.Replicated));
        var datasets = _zfs.Read(Command.Of("zfs", "get", "-H", "-p", "-r", "-t", "filesystem,volume", "-o", "name,property,value,source", properties).WithArguments(roots))
            .Map(GetOutput.ByObject);
        if (!datasets.IsOk)
        {
            return datasets.Error;
        }

        var snapshots = new Dictionary<string, ImmutableArray<Snapshot>>(StringComparer.Ordinal);
        foreach (var chunk in selected(datasets.Value).Where(datasets.Value.ContainsKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Chunk(DatasetsPerListing))
        {
            var listed = SnapshotsOf(chunk, datasets.Value);
            if (!listed.IsOk)
            {
                return listed.Error;
            }

            foreach (var (dataset, list) in listed.Value)
            {
                snapshots[dataset] = list;
            }
        }

        return Result.Ok(new SnapshotInventory(datasets.Value, snapshots.ToImmutableDictionary(StringComparer.Ordinal)));
    }

    /// <summary>
    /// "zfs list -H -p -t snapshot -d 1": one row per snapshot, parsed straight into its record. The listing cannot tell
    /// a replication mark set on the snapshot from one inherited from its dataset, so where the dataset itself has a
    /// mark (set or inherited; it never should), the snapshots' own marks come from "zfs get -s local".
    /// </summary>
    private Result<Dictionary<string, ImmutableArray<Snapshot>>> SnapshotsOf(string[] datasets, ImmutableDictionary<string, ImmutableDictionary<string, ObservedProperty>> properties)
    {
        var marked = datasets.Where(d => properties[d].TryGetValue(ZfsAnsibleProperties.Replicated, out var mark) && mark.Value != "-").ToArray();
        var localMarks = ImmutableDictionary<string, string>.Empty;
        if (marked.Length > 0)
        {
            var marks = _zfs.Read(Command.Of("zfs", "get", "-H", "-p", "-s", "local", "-t", "snapshot", "-d", "1", "-o", "name,property,value,source", ZfsAnsibleProperties.Replicated).WithArguments(marked));
            if (!marks.IsOk)
            {
                return marks.Error;
            }

            localMarks = GetOutput.ByObject(marks.Value).ToImmutableDictionary(o => o.Key, o => MarkOf(o.Value), StringComparer.Ordinal);
        }

        var command = Command.Of("zfs", "list", "-H", "-p", "-t", "snapshot", "-d", "1", "-o", $"name,createtxg,creation,userrefs,{ZfsAnsibleProperties.Replicated}").WithArguments(datasets);
        var inherits = marked.ToHashSet(StringComparer.Ordinal);
        var names = datasets.ToDictionary(d => d, d => d, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        var lists = new Dictionary<string, List<Snapshot>>(StringComparer.Ordinal);
        string? unreadable = null;
        var listed = _zfs.ReadLines(command, row =>
        {
            if (unreadable is not null || row.Length == 0)
            {
                return;
            }

            if (SnapshotListing.Read(row, names, inherits, localMarks) is not { } snapshot)
            {
                unreadable = row;
                return;
            }

            (lists.TryGetValue(snapshot.Dataset, out var list) ? list : lists[snapshot.Dataset] = []).Add(snapshot);
        });
        if (!listed.IsOk)
        {
            return listed.Error;
        }

        return unreadable is not null
            ? new ZfsOutputError(command, $"cannot read the row '{unreadable}'")
            : Result.Ok(lists.ToDictionary(l => l.Key, l => l.Value.OrderBy(x => x.CreateTxg).ToImmutableArray(), StringComparer.Ordinal));
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
