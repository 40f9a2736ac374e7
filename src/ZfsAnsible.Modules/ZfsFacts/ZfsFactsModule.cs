using System.Collections.Immutable;
using ZfsAnsible.Api.Collection;
using ZfsAnsible.Domain.Naming;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.ModuleProtocol.Arguments;
using ZfsAnsible.ModuleProtocol.Hosting;
using ZfsAnsible.Modules.ZfsPool;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Modules.ZfsFacts;

/// <summary>
/// zfs_facts: read-only facts of the host's pools (health, sizes, vdevs), datasets (effective policy, snapshot count,
/// compliance per interval, the last replication a replica recorded) as <c>ansible_facts.zfs</c> and as the return
/// value <c>zfs</c>. Two listings for all of it (zfs-api's collection) plus each pool's status; it never
/// changes anything, so check mode is the same run.
/// </summary>
public static class ZfsFactsModule
{
    public const string ModuleName = "zfs_facts";

    public static ArgumentSpec Spec { get; } = ArgumentSpec.Of(("pools", Option.List()));

    public static ModuleDefinition Definition(ICommandRunner runner) => new(ModuleName, Spec, context => Execute(context, runner, TimeProvider.System));

    public static ModuleResult Execute(ModuleContext context, ICommandRunner runner, TimeProvider clock)
    {
        var wanted = context.Parameters.Bind(ModuleArgumentsJson.Default.ZfsFactsArguments).Pools;
        var session = new ZfsSession(runner);
        var state = new HostCollector(runner, clock, session.Capabilities).Collect();
        if (!state.IsOk)
        {
            return ModuleResult.Fail(state.Error.Message);
        }

        var imported = state.Value.Pools.Select(p => p.Name).ToList();
        var unknown = wanted.Where(p => !imported.Contains(p, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            return ModuleResult.Fail($"pools: {string.Join(", ", unknown.Select(p => $"'{ZfsNames.Printable(p)}'"))} not imported on this host (imported: {(imported.Count == 0 ? "none" : string.Join(", ", imported))})");
        }

        var pools = new List<PoolFacts>();
        foreach (var name in wanted.IsEmpty ? imported : [.. wanted.Distinct(StringComparer.Ordinal)])
        {
            var facts = PoolFacts.Read(session.Zpool, PoolDeclaration.Named(name), state.Value.Pools.Single(p => p.Name == name));
            if (!facts.IsOk)
            {
                return ModuleResult.Fail(facts.Error.Message);
            }

            pools.Add(facts.Value);
        }

        var zfs = HostFacts.Of(state.Value, pools, clock.GetUtcNow());
        var datasets = zfs["datasets"]!.AsObject().Count;
        return ModuleResult.Ok($"{pools.Count} pool{(pools.Count == 1 ? string.Empty : "s")}, {datasets} dataset{(datasets == 1 ? string.Empty : "s")}")
            .With("ansible_facts", new System.Text.Json.Nodes.JsonObject { ["zfs"] = zfs.DeepClone() })
            .With("zfs", zfs)
            .WithWarnings(state.Value.PolicyProblems);
    }
}

/// <summary>zfs_facts' options, typed.</summary>
public sealed record ZfsFactsArguments(ImmutableArray<string> Pools);
