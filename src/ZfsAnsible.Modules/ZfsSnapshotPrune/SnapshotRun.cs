using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Naming;
using ZfsAnsible.Domain.Policies;
using ZfsAnsible.Domain.Snapshots;
using ZfsAnsible.Zfs;

namespace ZfsAnsible.Modules.ZfsSnapshotPrune;

/// <summary>What to do: which subtrees (empty: every imported pool), the plan options, whether to apply, and the host's snapshot lock.</summary>
/// <param name="LockWait">How long a run waits for another snapshot run on the host (the timer, a playbook) to finish.</param>
public sealed record SnapshotRunRequest(ImmutableArray<string> Datasets, SnapshotRunOptions Options, bool DryRun, string LockDirectory, TimeSpan LockWait)
{
    /// <summary>Checks what the argument spec cannot express before any of it reaches zfs; every problem at once.</summary>
    public static Result<SnapshotRunRequest> Create(ZfsSnapshotPruneArguments arguments, bool dryRun)
    {
        var problems = arguments.Datasets.Select(ZfsNames.CheckDatasetName).OfType<Error>().Select(e => e.Message).ToList();
        if (arguments.MaxDestroy is < 0 or > ZfsSnapshotPruneArguments.MaxDestroyLimit)
        {
            problems.Add($"max_destroy must be between 0 and {ZfsSnapshotPruneArguments.MaxDestroyLimit}, got {arguments.MaxDestroy}");
        }

        if (!Path.IsPathFullyQualified(arguments.LockDir))
        {
            problems.Add("lock_dir must be an absolute path");
        }

        if (arguments.LockTimeout is < 0 or > 86_400)
        {
            problems.Add($"lock_timeout must be between 0 and 86400 seconds, got {arguments.LockTimeout}");
        }

        return Result.From(problems, () => new SnapshotRunRequest(
            arguments.Datasets, new SnapshotRunOptions(arguments.Snapshot, arguments.Prune, (int)arguments.MaxDestroy), dryRun, arguments.LockDir, TimeSpan.FromSeconds(arguments.LockTimeout)));
    }
}

/// <summary>One run's outcome: the managed datasets, the snapshots before, the plan and how applying it went.</summary>
public sealed record SnapshotRunOutcome(
    ImmutableArray<ManagedDataset> Managed,
    SnapshotInventory Before,
    SnapshotPlan Plan,
    AppliedCommands Applied,
    string Implementation,
    bool DryRun,
    ImmutableArray<string> Warnings)
{
    /// <summary>The report both faces print: module return values and the CLI's --json.</summary>
    public JsonObject Report() => new()
    {
        ["taken"] = Names(Plan.Take.Select(t => t.FullName)),
        ["destroyed"] = Names(Plan.Destroy.Select(d => d.FullName)),
        ["datasets"] = new JsonArray([.. Managed.Select(m => (JsonNode?)new JsonObject
        {
            ["name"] = m.Name,
            ["policy"] = m.Policy,
            ["policy_from"] = m.From,
        })]),
        ["compliance"] = new JsonArray([.. Plan.Compliance.Select(c => (JsonNode?)new JsonObject
        {
            ["dataset"] = c.Dataset,
            ["policy"] = c.Policy,
            ["interval"] = c.Interval.YamlName(),
            ["retained"] = c.Retained,
            ["target"] = c.Target,
            ["ratio"] = Math.Round(c.Ratio, 4),
            ["newest_age_seconds"] = c.NewestAge is { } age ? (long)age.TotalSeconds : null,
        })]),
        ["commands"] = ModuleJson.Commands(Applied.Planned),
        ["zfs_implementation"] = Implementation,
    };

    public string Summary()
    {
        var would = DryRun ? "would take" : "took";
        var what = Plan.Changes
            ? $"{would} {Plan.Take.Length} and {(DryRun ? "destroy" : "destroyed")} {Plan.Destroy.Length} snapshot{(Plan.Take.Length + Plan.Destroy.Length == 1 ? string.Empty : "s")}"
            : "nothing due, nothing expired";
        var compliant = Plan.Compliance.Count(c => c.Ratio >= 1.0);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Managed.Length} managed dataset{(Managed.Length == 1 ? string.Empty : "s")}: {what}; {compliant}/{Plan.Compliance.Length} retention targets met");
    }

    /// <summary>Own snapshots of each dataset the run changes, before and after: what --diff shows.</summary>
    public (JsonObject Before, JsonObject After) Diff()
    {
        var before = new JsonObject();
        var after = new JsonObject();
        var destroyed = Plan.Destroy.Select(d => d.FullName).ToHashSet(StringComparer.Ordinal);
        foreach (var dataset in Plan.Take.Select(t => t.Dataset).Concat(Plan.Destroy.Select(d => d.Dataset)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var own = Before.Snapshots.GetValueOrDefault(dataset, []).Where(s => s.Own is not null).Select(s => s.FullName).ToList();
            before[dataset] = Names(own);
            after[dataset] = Names(own.Where(n => !destroyed.Contains(n)).Concat(Plan.Take.Where(t => t.Dataset == dataset).Select(t => t.FullName)));
        }

        return (before, after);
    }

    private static JsonArray Names(IEnumerable<string> names) => new([.. names.Select(n => (JsonNode?)JsonValue.Create(n))]);
}

/// <summary>
/// The snapshot timer's work, shared by the module and the CLI: read policies and snapshots
/// (<see cref="ZfsSnapshots.InventoryOf"/>, through the listing cache kept beside the lock), plan with <see cref="SnapshotPlanner"/>, then take snapshots before destroying any. A run that changes things
/// holds the host's snapshot lock from before it reads until it is done, so the timer and a playbook never plan from
/// the same listing: the second waits (up to <see cref="SnapshotRunRequest.LockWait"/>), then finds the first's work done.
/// </summary>
public static class SnapshotRun
{
    public static Result<SnapshotRunOutcome> Execute(ZfsSession session, SnapshotRunRequest request, TimeProvider clock)
    {
        RunLock? runLock = null;
        if (!request.DryRun)
        {
            var acquired = RunLock.Acquire(request.LockDirectory, "snapshot", "a snapshot run on this host", request.LockWait);
            if (!acquired.IsOk)
            {
                return acquired.Error;
            }

            runLock = acquired.Value;
        }

        using (runLock)
        {
            return Locked(session, request, clock, runLock?.Warning is { } warning ? [warning] : []);
        }
    }

    private static Result<SnapshotRunOutcome> Locked(ZfsSession session, SnapshotRunRequest request, TimeProvider clock, ImmutableArray<string> warnings)
    {
        var now = clock.GetUtcNow();
        var roots = request.Datasets;
        if (roots.IsEmpty)
        {
            var pools = session.Zpool.ImportedPools();
            if (!pools.IsOk)
            {
                return pools.Error;
            }

            roots = pools.Value;
        }

        var zfs = new ZfsSnapshots(session.Runner, session.Capabilities);
        var listed = zfs.InventoryOf(roots, datasets => ManagedDatasets.Read(datasets).Managed.Select(m => m.Name), SnapshotListingCacheFile.Load(request.LockDirectory), clock);
        if (!listed.IsOk)
        {
            return listed.Error;
        }

        // Only a run holding the lock writes the cache; a dry run reads it (every entry proves itself current).
        if (!request.DryRun)
        {
            SnapshotListingCacheFile.Save(request.LockDirectory, listed.Value.Cache);
        }

        var managed = ManagedDatasets.FromProperties(listed.Value.Inventory.Datasets);
        if (!managed.IsOk)
        {
            return managed.Error;
        }

        var inventory = listed.Value.Inventory;
        if (!inventory.HoldsAndMarksRead)
        {
            // Holds and marks only ever keep snapshots, so the plan made without them destroys a superset of the true
            // one (max_destroy waits for the true count): reading them for those snapshots alone gives the true plan.
            var draft = SnapshotPlanner.Plan(now, managed.Value, inventory.Snapshots, request.Options with { MaxDestroy = int.MaxValue });
            if (!draft.IsOk)
            {
                return draft.Error;
            }

            var read = zfs.WithHoldsAndMarks(inventory, draft.Value.Destroy);
            if (!read.IsOk)
            {
                return read.Error;
            }

            inventory = read.Value;
        }

        var plan = SnapshotPlanner.Plan(now, managed.Value, inventory.Snapshots, request.Options);
        if (!plan.IsOk)
        {
            return plan.Error;
        }

        var commands = zfs.TakeCommands(plan.Value.Take).AddRange(zfs.DestroyCommands(plan.Value.Destroy));
        var applied = session.Apply(commands, request.DryRun);
        return Result.Ok(new SnapshotRunOutcome(managed.Value, inventory, plan.Value, applied, session.Capabilities.Implementation, request.DryRun, warnings));
    }
}
