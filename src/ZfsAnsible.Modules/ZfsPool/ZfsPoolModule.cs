using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.ModuleProtocol.Hosting;
using ZfsAnsible.Zfs;
using ZfsAnsible.Zfs.Devices;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Modules.ZfsPool;

/// <summary>zfs_pool: observe the pool, plan with <see cref="PoolPlanner"/>, apply (unless check mode), report.</summary>
public static class ZfsPoolModule
{
    public static ModuleDefinition Definition(ICommandRunner runner) =>
        new(ZfsPoolSpec.ModuleName, ZfsPoolSpec.Spec, context => Execute(context, runner));

    public static ModuleResult Execute(ModuleContext context, ICommandRunner runner)
    {
        var declared = PoolDeclarationReader.Read(ZfsPoolArguments.From(context.Parameters));
        if (!declared.IsOk)
        {
            return ModuleResult.Fail(declared.Error.Message);
        }

        var session = new ZfsSession(runner);
        var observer = new PoolObserver(session.Zpool, new ZfsDatasets(runner), new DeviceInspector(runner));
        var first = Converge(declared.Value, observer, session, context.CheckMode);
        if (!first.IsOk)
        {
            return ModuleResult.Fail(first.Error.Message).With("commands", ModuleJson.Commands([]));
        }

        var pass = first.Value;
        if (pass.Applied.Failed)
        {
            return pass.Applied.FailureResult();
        }

        // An import makes the pool readable: a second pass converges its properties and checks its vdevs.
        if (!context.CheckMode && pass.Plan.Actions.Any(a => a is ImportPool))
        {
            var imported = $"imported pool {declared.Value.Name}, then";
            var second = Converge(declared.Value, observer, session, checkMode: false);
            if (!second.IsOk)
            {
                return ModuleResult.Fail($"{imported}: {second.Error.Message}", changed: true).With("commands", ModuleJson.Commands(pass.Applied.Ran));
            }

            pass = pass.Then(second.Value);
            if (pass.Applied.Failed)
            {
                return pass.Applied.FailureResult(imported);
            }
        }

        return Report(pass, declared.Value, session.Zpool, context.CheckMode);
    }

    private static Result<Pass> Converge(PoolDeclaration declared, PoolObserver observer, ZfsSession session, bool checkMode)
    {
        var observed = observer.Observe(declared);
        if (!observed.IsOk)
        {
            return observed.Error;
        }

        var plan = PoolPlanner.Plan(declared, observed.Value);
        if (!plan.IsOk)
        {
            return plan.Error;
        }

        var applied = session.Apply([.. plan.Value.Actions.Select(ZpoolCommands.For)], checkMode);
        var before = PoolSnapshot.Of(declared, observed.Value);
        return new Pass(plan.Value, applied, before, before.After(plan.Value));
    }

    private static ModuleResult Report(Pass pass, PoolDeclaration declared, Zpool zpool, bool checkMode)
    {
        var changed = !pass.Plan.Actions.IsEmpty;
        var message = changed
            ? (checkMode ? "would have " : string.Empty) + string.Join("; ", pass.Plan.Actions.Select(a => a.Describe()))
            : $"pool {declared.Name} is as declared ({declared.State.ToString().ToLowerInvariant()})";

        // Facts come from the pool itself: after the task, or (check mode) as it stands when it stays imported.
        var readable = pass.After.State == PoolPresence.Imported && (!checkMode || pass.Before.State == PoolPresence.Imported);
        var facts = readable ? PoolFacts.Read(zpool, declared).Map(f => (PoolFacts?)f) : Result.Ok<PoolFacts?>(null);
        if (!facts.IsOk)
        {
            return ModuleResult.Fail($"{message}, but reading the pool afterwards failed: {facts.Error.Message}", changed: changed && !checkMode)
                .With("commands", ModuleJson.Commands(pass.Applied.Planned));
        }

        return new ModuleResult
        {
            Changed = changed,
            Msg = message,
            Diff = new ModuleDiff(Json(pass.Before), Json(pass.After)),
            Warnings = pass.Plan.Warnings,
        }
            .With("commands", ModuleJson.Commands(pass.Applied.Planned))
            .With("pool", facts.Value is null ? null : JsonSerializer.SerializeToNode(facts.Value, ZfsPoolJsonContext.Default.PoolFacts))
            .With("zfs_implementation", zpool.Capabilities.Implementation);
    }

    private static JsonNode? Json(PoolSnapshot snapshot) => JsonSerializer.SerializeToNode(snapshot, ZfsPoolJsonContext.Default.PoolSnapshot);

    /// <summary>The outcome of one observe-plan-apply pass; <see cref="AppliedCommands.Failed"/> when a command failed.</summary>
    private sealed record Pass(PoolPlan Plan, AppliedCommands Applied, PoolSnapshot Before, PoolSnapshot After)
    {
        /// <summary>Two passes read as one: the first's before, the second's after, all actions and commands.</summary>
        public Pass Then(Pass next) => new(
            new PoolPlan(Plan.Actions.AddRange(next.Plan.Actions), Plan.Warnings.AddRange(next.Plan.Warnings)),
            Applied.Then(next.Applied),
            Before,
            next.After);
    }
}
