using System.Collections.Immutable;
using System.Text.Json.Nodes;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Datasets;
using ZfsAnsible.Domain.Naming;
using ZfsAnsible.Domain.Policies;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Domain.Properties;
using ZfsAnsible.ModuleProtocol.Arguments;
using ZfsAnsible.ModuleProtocol.Hosting;
using ZfsAnsible.Policies;
using ZfsAnsible.Zfs;
using ZfsAnsible.Zfs.Execution;
using ZfsAnsible.Zfs.Parsing;

namespace ZfsAnsible.Modules.ZfsDatasetPolicy;

/// <summary>
/// zfs_dataset_policy: resolve the inventory's policies (the same resolver as the Jinja filters), observe the
/// datasets in one zfs list and one zfs get, plan with <see cref="DatasetPlanner"/>, apply unless check mode, report.
/// </summary>
public static class ZfsDatasetPolicyModule
{
    public static ModuleDefinition Definition(ICommandRunner runner) =>
        new(ZfsDatasetPolicySpec.ModuleName, ZfsDatasetPolicySpec.Spec, context => Execute(context, runner));

    public static ModuleResult Execute(ModuleContext context, ICommandRunner runner)
    {
        var arguments = ZfsDatasetPolicyArguments.From(context.Parameters);
        var single = arguments.Name; // the spec requires name or datasets, and name for state absent
        var session = new ZfsSession(runner);
        var pools = session.Zpool.ImportedPools();
        if (!pools.IsOk)
        {
            return ModuleResult.Fail(pools.Error.Message);
        }

        var pending = PendingPools(arguments, pools.Value, context.CheckMode);
        if (!pending.IsOk)
        {
            return ModuleResult.Fail(pending.Error.Message);
        }

        var tree = PolicyDocument.ParseAndResolve(Document(arguments).ToJsonString(), [.. pools.Value, .. pending.Value]);
        if (!tree.IsOk)
        {
            return ModuleResult.Fail(tree.Error.Message);
        }

        var datasets = new ZfsDatasets(session.Runner);
        var observed = Observe(datasets, tree.Value);
        if (!observed.IsOk)
        {
            return ModuleResult.Fail(observed.Error.Message);
        }

        var plan = arguments.State == DatasetState.Absent
            ? DatasetPlanner.Destroy(single!, arguments.AllowDestroy, observed.Value)
            : Result.Ok(DatasetPlanner.Converge(tree.Value, observed.Value));
        if (!plan.IsOk)
        {
            return ModuleResult.Fail(plan.Error.Message);
        }

        var applied = session.Apply([.. plan.Value.Actions.Select(DatasetCommands.For)], context.CheckMode);
        if (applied.Failed)
        {
            return applied.FailureResult();
        }

        return Report(tree.Value, observed.Value, plan.Value, context.CheckMode, single)
            .With("commands", ModuleJson.Commands(applied.Planned))
            .With("zfs_implementation", session.Capabilities.Implementation);
    }

    /// <summary>
    /// In check mode, the declared pools the zfs_pool task before this one would have created: their datasets are
    /// planned as new instead of refused as outside every pool. A real run sees the real pools only, so a pool that
    /// failed to appear still fails its datasets.
    /// </summary>
    private static Result<ImmutableArray<string>> PendingPools(ZfsDatasetPolicyArguments arguments, IReadOnlyCollection<string> imported, bool checkMode) =>
        Error.Join(arguments.PendingPools.Select(ZfsNames.CheckPoolName)) is { } problem
            ? Result<ImmutableArray<string>>.Fail("pending_pools: " + problem.Message)
            : Result.Ok(checkMode ? [.. arguments.PendingPools.Except(imported, StringComparer.Ordinal)] : ImmutableArray<string>.Empty);

    /// <summary>The module's arguments as the inventory document the resolver reads.</summary>
    private static JsonObject Document(ZfsDatasetPolicyArguments arguments) => new()
    {
        ["zfs_policies"] = arguments.Policies.DeepClone(),
        ["zfs_datasets"] = arguments.Name is { } name
            ? new JsonArray(new JsonObject { ["name"] = name, ["policy"] = arguments.Policy, ["properties"] = arguments.Properties.DeepClone() })
            : arguments.Datasets?.DeepClone() ?? new JsonArray(),
    };

    private static Result<DatasetObservation> Observe(ZfsDatasets datasets, PolicyTree tree)
    {
        var existing = datasets.Existing();
        if (!existing.IsOk)
        {
            return existing.Error;
        }

        var configured = tree.Datasets.Select(d => d.Name).Where(existing.Value.Contains).ToList();
        var names = tree.Datasets.SelectMany(d => d.Properties.Keys).Concat(ZfsAnsibleProperties.PolicyNames).Distinct(StringComparer.Ordinal).ToList();
        return datasets.PropertiesOf(configured, names).Map(properties => new DatasetObservation(existing.Value, properties));
    }

    private static ModuleResult Report(PolicyTree tree, DatasetObservation observed, DatasetPlan plan, bool checkMode, string? single)
    {
        var report = new JsonObject();
        var before = new JsonObject();
        var after = new JsonObject();
        var names = single is null ? tree.Datasets.Select(d => d.Name) : [single];
        foreach (var name in names)
        {
            var actions = plan.Actions.Where(a => a.Dataset == name).ToList();
            var resolved = tree.Find(name);
            var changes = new JsonObject();
            foreach (var set in actions.OfType<SetDatasetProperty>())
            {
                changes[set.Property] = new JsonObject { ["before"] = set.Before?.Value, ["after"] = set.Value, ["source"] = set.Before is { } was ? GetOutput.Describe(was.Source) : null };
            }

            var action = actions switch
            {
                [CreateDataset, ..] => "created",
                [DestroyDataset, ..] => "destroyed",
                [_, ..] => "updated",
                _ => observed.Existing.Contains(name) ? "unchanged" : "absent",
            };
            report[name] = new JsonObject
            {
                ["action"] = action,
                ["policy"] = resolved?.Policy?.Name,
                ["source"] = resolved is null ? null : PolicyProperties.For(resolved)[ZfsAnsibleProperties.PolicySource],
                ["changed_properties"] = changes,
            };

            if (actions.Count > 0)
            {
                before[name] = Snapshot(observed.Existing.Contains(name), actions.Select(a => a switch
                {
                    SetDatasetProperty set => KeyValuePair.Create(set.Property, set.Before?.Value),
                    _ => KeyValuePair.Create(string.Empty, (string?)null),
                }).Where(p => p.Key.Length > 0));
                after[name] = actions switch
                {
                    [CreateDataset create, ..] => Snapshot(true, create.Properties.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))),
                    [DestroyDataset, ..] => Snapshot(false, []),
                    _ => Snapshot(true, actions.OfType<SetDatasetProperty>().Select(s => KeyValuePair.Create(s.Property, (string?)s.Value))),
                };
            }
        }

        var changed = !plan.Actions.IsEmpty;
        var counts = string.Join(", ", report.Where(r => r.Value!["action"]!.GetValue<string>() is not ("unchanged" or "absent"))
            .GroupBy(r => r.Value!["action"]!.GetValue<string>()).Select(g => $"{g.Count()} {g.Key}"));
        var message = changed
            ? (checkMode ? "would have: " : string.Empty) + counts
            : $"{report.Count} dataset{(report.Count == 1 ? string.Empty : "s")} as declared";
        return new ModuleResult
        {
            Changed = changed,
            Msg = message,
            Diff = new ModuleDiff(before, after),
            Warnings = plan.Warnings,
        }.With("datasets", report);
    }

    private static JsonObject Snapshot(bool exists, IEnumerable<KeyValuePair<string, string?>> properties) => new()
    {
        ["exists"] = exists,
        ["properties"] = new JsonObject([.. properties.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)(p.Value is null ? null : JsonValue.Create(p.Value))))]),
    };
}
