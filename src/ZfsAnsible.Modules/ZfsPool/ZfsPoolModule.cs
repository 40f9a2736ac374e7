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
        var declared = PoolDeclarationReader.Read(context.Parameters);
        if (!declared.IsOk)
        {
            return ModuleResult.Fail(declared.Error.Message);
        }

        var session = new ZfsSession(runner);
        var observer = new PoolObserver(session.Zpool, new ZfsDatasets(runner), new DeviceInspector(runner));
        var pass = Converge(declared.Value, observer, session, context.CheckMode);

        // An import makes the pool readable: a second pass converges its properties and checks its vdevs.
        if (pass.IsOk && !context.CheckMode && pass.Value.Plan.Actions.Any(a => a is ImportPool))
        {
            var second = Converge(declared.Value, observer, session, checkMode: false);
            if (!second.IsOk)
            {
                return ModuleResult.Fail($"imported pool {declared.Value.Name}, then: {second.Error.Message}", changed: true)
                    .With("commands", ModuleJson.Commands(pass.Value.Commands.AddRange(second.Error is PartialFailure partial ? partial.Ran : [])));
            }

            pass = Result.Ok(pass.Value.Then(second.Value));
        }

        if (!pass.IsOk)
        {
            // Commands that ran before the failing one did change the pool.
            var ran = pass.Error is PartialFailure partial ? partial.Ran : [];
            return ModuleResult.Fail(pass.Error.Message, changed: ran.Length > 1).With("commands", ModuleJson.Commands(ran));
        }

        return Report(pass.Value, declared.Value, session.Zpool, context.CheckMode);
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
        if (applied.Failed)
        {
            return new PartialFailure(applied.Failure!.Message, applied.Ran);
        }

        var before = PoolSnapshot.Of(declared, observed.Value);
        return Result.Ok(new Pass(plan.Value, applied.Planned, before, before.After(plan.Value)));
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
                .With("commands", ModuleJson.Commands(pass.Commands));
        }

        return new ModuleResult
        {
            Changed = changed,
            Msg = message,
            Diff = new ModuleDiff(Json(pass.Before), Json(pass.After)),
            Warnings = pass.Plan.Warnings,
        }
            .With("commands", ModuleJson.Commands(pass.Commands))
            .With("pool", facts.Value is null ? null : JsonSerializer.SerializeToNode(facts.Value, ZfsPoolJsonContext.Default.PoolFacts))
            .With("zfs_implementation", zpool.Capabilities.Implementation);
    }

    private static JsonNode? Json(PoolSnapshot snapshot) => JsonSerializer.SerializeToNode(snapshot, ZfsPoolJsonContext.Default.PoolSnapshot);


    /// <summary>The outcome of one observe-plan-apply pass.</summary>
    private sealed record Pass(PoolPlan Plan, ImmutableArray<Command> Commands, PoolSnapshot Before, PoolSnapshot After)
    {
        /// <summary>Two passes read as one: the first's before, the second's after, all actions and commands.</summary>
        public Pass Then(Pass next) => new(
            new PoolPlan(Plan.Actions.AddRange(next.Plan.Actions), Plan.Warnings.AddRange(next.Plan.Warnings)),
            Commands.AddRange(next.Commands),
            Before,
            next.After);
    }

    /// <summary>A command failed after others had run: the report lists what ran.</summary>
    private sealed record PartialFailure(string Reason, ImmutableArray<Command> Ran) : Error(Reason);
}
