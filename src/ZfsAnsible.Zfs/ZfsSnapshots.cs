using System.Collections.Immutable;
using System.Globalization;
using System.Text;
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
    ImmutableDictionary<string, ImmutableArray<Snapshot>> Snapshots)
{
    /// <summary>False when the snapshots are <see cref="Snapshot.Listed"/> records: holds, marks and creation not read.</summary>
    public bool HoldsAndMarksRead { get; init; } = true;
}

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

    /// <summary>
    /// Bytes of snapshot names per command: an eighth of the kernel's 2 MB limit on a command line, and as many names
    /// as a channel program's answer holds without raising the run's peak memory (measured at 100,000 snapshots).
    /// </summary>
    internal const int ArgumentBytesPerCommand = 256 * 1024;

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
    /// listed. On OpenZFS a snapshot is listed by its name and createtxg alone (<see cref="Snapshot.Listed"/>: the
    /// columns "zfs list" answers without reading each snapshot's properties, three times faster than with creation),
    /// and a dataset whose <paramref name="cache"/>d listing is provably current (<see cref="SnapshotListingCache"/>)
    /// is not listed at all. Such an inventory has <see cref="SnapshotInventory.HoldsAndMarksRead"/> false: see
    /// <see cref="WithHoldsAndMarks"/>. The cache returned holds this run's listings.
    /// </summary>
    public Result<(SnapshotInventory Inventory, SnapshotListingCache Cache)> InventoryOf(
        IReadOnlyCollection<string> roots,
        Func<IReadOnlyDictionary<string, ImmutableDictionary<string, ObservedProperty>>, IEnumerable<string>> selected,
        SnapshotListingCache cache,
        TimeProvider clock)
    {
        // "zfs list -p" and "zfs get -t" came to OpenZFS together; zfs-fuse has neither.
        if (!capabilities.ParsableOutput || roots.Count == 0)
        {
            return Inventory(roots).Map(all =>
            {
                var keep = selected(all.Datasets).ToHashSet(StringComparer.Ordinal);
                return (all with { Snapshots = all.Snapshots.Where(s => keep.Contains(s.Key)).ToImmutableDictionary(StringComparer.Ordinal) }, cache);
            });
        }

        var stamps = capabilities.SnapshotsChanged ? StampProperties : [];
        var properties = string.Join(',', ZfsAnsibleProperties.ManagedNames.Concat(stamps));
        var datasets = _zfs.Read(Command.Of("zfs", "get", "-H", "-p", "-r", "-t", "filesystem,volume", "-o", "name,property,value,source", properties).WithArguments(roots))
            .Map(GetOutput.ByObject);
        if (!datasets.IsOk)
        {
            return datasets.Error;
        }

        var snapshots = new Dictionary<string, ImmutableArray<Snapshot>>(StringComparer.Ordinal);
        var chosen = selected(datasets.Value).Where(datasets.Value.ContainsKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var toList = new List<string>();
        foreach (var dataset in chosen)
        {
            if (cache.Current(dataset, StampOf(datasets.Value[dataset]), now) is { } cached)
            {
                snapshots[dataset] = cached;
            }
            else
            {
                toList.Add(dataset);
            }
        }

        var listings = cache.Without(roots, datasets.Value.Keys.ToHashSet(StringComparer.Ordinal));
        foreach (var chunk in toList.Chunk(DatasetsPerListing))
        {
            var listedAt = clock.GetUtcNow().ToUnixTimeSeconds();
            var listed = SnapshotsOf(chunk);
            if (!listed.IsOk)
            {
                return listed.Error;
            }

            foreach (var dataset in chunk)
            {
                var list = listed.Value.GetValueOrDefault(dataset, []);
                snapshots[dataset] = list;
                listings = StampOf(datasets.Value[dataset]) is { } stamp
                    ? listings.With(dataset, new CachedListing(stamp, listedAt, list))
                    : listings.Forget(dataset);
            }
        }

        return Result.Ok((new SnapshotInventory(datasets.Value, snapshots.ToImmutableDictionary(StringComparer.Ordinal)) { HoldsAndMarksRead = false }, listings));
    }

    /// <summary>
    /// The inventory with the holds, replication marks and creation times of <paramref name="snapshots"/> read from
    /// ZFS (of just those: these cost a read of each snapshot's properties): through a read-only channel program per
    /// pool where there are channel programs (one command, no process per snapshot), else "zfs get". A mark counts
    /// only if set on the snapshot itself, never one inherited from its dataset.
    /// </summary>
    public Result<SnapshotInventory> WithHoldsAndMarks(SnapshotInventory inventory, IReadOnlyCollection<Snapshot> snapshots)
    {
        // Read-only, the reads never block each other: a host's cores answer several at once (76,000 snapshots to
        // check are 15 of them).
        var batches = PoolBatches(snapshots).ToArray();
        var answers = new Result<ImmutableArray<SnapshotHolds>>[batches.Length];
        Parallel.For(0, batches.Length, new ParallelOptions { MaxDegreeOfParallelism = ConcurrentReads }, i => answers[i] = HoldsOf(batches[i].Pool, batches[i].Snapshots));

        // By dataset, then name: no full name is built twice for a lookup (at 100,000 snapshots, every string counts).
        var read = new Dictionary<string, Dictionary<string, SnapshotHolds>>(StringComparer.Ordinal);
        for (var b = 0; b < batches.Length; b++)
        {
            var answer = answers[b];
            if (!answer.IsOk)
            {
                return answer.Error;
            }

            var chunk = batches[b].Snapshots;
            for (var i = 0; i < chunk.Length; i++)
            {
                var snapshot = chunk[i];
                (read.TryGetValue(snapshot.Dataset, out var ofDataset) ? ofDataset : read[snapshot.Dataset] = new(StringComparer.Ordinal))[snapshot.Name] = answer.Value[i];
            }
        }

        // Only the datasets with snapshots read get new lists; the others keep theirs.
        var updated = inventory.Snapshots.ToBuilder();
        foreach (var (dataset, holds) in read)
        {
            if (inventory.Snapshots.TryGetValue(dataset, out var listed))
            {
                updated[dataset] = [.. listed.Select(s => holds.TryGetValue(s.Name, out var found)
                    ? s with { Creation = DateTimeOffset.FromUnixTimeSeconds(found.Creation), UserRefs = (int)Math.Min(found.UserRefs, int.MaxValue), Replicated = found.Mark }
                    : s)];
            }
        }

        return Result.Ok(inventory with { Snapshots = updated.ToImmutable() });
    }

    /// <summary>Reads at once: at most one per core, and no more than four (each answer is held until all are in).</summary>
    private static readonly int ConcurrentReads = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>The holds of one pool's batch of snapshots, in their order.</summary>
    private Result<ImmutableArray<SnapshotHolds>> HoldsOf(string pool, Snapshot[] chunk)
    {
        var names = Array.ConvertAll(chunk, s => s.FullName);
        return capabilities.ChannelPrograms
            ? _zfs.Read(ChannelPrograms.Holds(pool, names)).Bind(answer => ChannelPrograms.ReadHolds(answer, names))
            : _zfs.Read(Command.Of("zfs", "get", "-H", "-p", "-o", "name,property,value,source", $"creation,userrefs,{ZfsAnsibleProperties.Replicated}").WithArguments(names))
                .Bind(output => InOrder(GetOutput.ByObject(output), names));
    }

    /// <summary>The holds of each snapshot named, in order, from "zfs get" output: one missing or unreadable is an error.</summary>
    private static Result<ImmutableArray<SnapshotHolds>> InOrder(ImmutableDictionary<string, ImmutableDictionary<string, ObservedProperty>> objects, string[] names)
    {
        var holds = ImmutableArray.CreateBuilder<SnapshotHolds>(names.Length);
        foreach (var name in names)
        {
            if (!objects.TryGetValue(name, out var values) || !TryNumber(values, "creation", out _) || !TryNumber(values, "userrefs", out _))
            {
                return Result<ImmutableArray<SnapshotHolds>>.Fail($"cannot read the creation and holds of {name}");
            }

            holds.Add(HoldsOf(values));
        }

        return Result.Ok(holds.MoveToImmutable());
    }

    private static SnapshotHolds HoldsOf(ImmutableDictionary<string, ObservedProperty> values)
    {
        TryNumber(values, "creation", out var creation);
        TryNumber(values, "userrefs", out var holds);
        return new SnapshotHolds(creation, holds, MarkOf(values));
    }

    /// <summary>"zfs list -H -p -t snapshot -d 1 -o name,createtxg": one row per snapshot, parsed straight into its record.</summary>
    private Result<Dictionary<string, ImmutableArray<Snapshot>>> SnapshotsOf(string[] datasets)
    {
        var command = Command.Of("zfs", "list", "-H", "-p", "-t", "snapshot", "-d", "1", "-o", "name,createtxg").WithArguments(datasets);
        var names = datasets.ToDictionary(d => d, d => d, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        var lists = new Dictionary<string, List<Snapshot>>(StringComparer.Ordinal);
        string? unreadable = null;
        // A dataset's rows come together: its list is looked up once per dataset, not once per row (the dataset's
        // name is the one string of the lookup above, so comparing references is enough).
        (string Dataset, List<Snapshot> List)? current = null;
        var listed = _zfs.ReadLines(command, row =>
        {
            if (unreadable is not null || row.Length == 0)
            {
                return;
            }

            if (SnapshotListing.Read(row, names) is not { } snapshot)
            {
                unreadable = row.ToString();
                return;
            }

            if (!ReferenceEquals(current?.Dataset, snapshot.Dataset))
            {
                current = (snapshot.Dataset, lists.TryGetValue(snapshot.Dataset, out var list) ? list : lists[snapshot.Dataset] = []);
            }

            current.Value.List.Add(snapshot);
        });
        if (!listed.IsOk)
        {
            return listed.Error;
        }

        return unreadable is not null
            ? new ZfsOutputError(command, $"cannot read the row '{unreadable}'")
            : Result.Ok(lists.ToDictionary(l => l.Key, l => ByCreateTxg(l.Value), StringComparer.Ordinal));
    }

    /// <summary>Oldest first; a listing is in that order already, so most lists are only copied.</summary>
    private static ImmutableArray<Snapshot> ByCreateTxg(List<Snapshot> snapshots)
    {
        for (var i = 1; i < snapshots.Count; i++)
        {
            if (snapshots[i - 1].CreateTxg > snapshots[i].CreateTxg)
            {
                return [.. snapshots.OrderBy(s => s.CreateTxg)];
            }
        }

        return [.. snapshots];
    }

    private static readonly string[] StampProperties = ["guid", "snapshots_changed"];

    private static ListingStamp? StampOf(ImmutableDictionary<string, ObservedProperty> properties) =>
        properties.TryGetValue("guid", out var guid) && guid.Value is not ("" or "-") && TryNumber(properties, "snapshots_changed", out var changed)
            ? new ListingStamp(guid.Value, changed)
            : null;

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
    /// Destroys snapshots: with channel programs, all of a pool's at once, all or none, in one transaction group
    /// (<see cref="ChannelPrograms.Destroy"/>); else one "zfs destroy ds@a,b,c" per dataset where the CLI takes comma
    /// lists, else one each. Never deferred: a snapshot held since planning must make the destroy fail, not be
    /// destroyed later.
    /// </summary>
    public ImmutableArray<Command> DestroyCommands(IEnumerable<Snapshot> snapshots) =>
        capabilities.ChannelPrograms
            ? [.. PoolBatches(snapshots).Select(batch => ChannelPrograms.Destroy(batch.Pool, batch.Snapshots.Select(s => s.FullName)))]
            : capabilities.CommaListDestroy
                ? [.. snapshots.GroupBy(s => s.Dataset, StringComparer.Ordinal).SelectMany(g => g.Chunk(DestroyBatch))
                    .Select(batch => Command.Of("zfs", "destroy", $"{batch[0].Dataset}@{string.Join(',', batch.Select(s => s.Name))}"))]
                : [.. snapshots.Select(s => Command.Of("zfs", "destroy", s.FullName))];

    private static string PoolOf(string dataset) => dataset.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? dataset[..slash] : dataset;

    /// <summary>
    /// Snapshots per command that names them one argument each: one command cannot span pools, and a command's names
    /// stay within <see cref="ArgumentBytesPerCommand"/> (about 5,000 typical names, 1,000 of the longest).
    /// </summary>
    internal static IEnumerable<(string Pool, Snapshot[] Snapshots)> PoolBatches(IEnumerable<Snapshot> snapshots)
    {
        // Grouped by dataset first: a pool's name and a dataset's bytes are worked out once per dataset, not per snapshot.
        foreach (var pool in snapshots.GroupBy(s => s.Dataset, StringComparer.Ordinal).GroupBy(d => PoolOf(d.Key), StringComparer.Ordinal))
        {
            var batch = new List<Snapshot>();
            var bytes = 0;
            foreach (var dataset in pool)
            {
                // "dataset@name" and the argument's terminating NUL
                var datasetBytes = Encoding.UTF8.GetByteCount(dataset.Key) + 2;
                foreach (var snapshot in dataset)
                {
                    var size = datasetBytes + Encoding.UTF8.GetByteCount(snapshot.Name);
                    if (batch.Count > 0 && bytes + size > ArgumentBytesPerCommand)
                    {
                        yield return (pool.Key, [.. batch]);
                        batch.Clear();
                        bytes = 0;
                    }

                    batch.Add(snapshot);
                    bytes += size;
                }
            }

            yield return (pool.Key, [.. batch]);
        }
    }

    /// <summary>Keeps one argument well below the kernel's limit for a single argv string.</summary>
    private const int DestroyBatch = 200;
}
