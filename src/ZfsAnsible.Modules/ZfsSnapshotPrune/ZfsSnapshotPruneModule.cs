using ZfsAnsible.Domain.Snapshots;
using ZfsAnsible.ModuleProtocol.Hosting;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Modules.ZfsSnapshotPrune;

/// <summary>zfs_snapshot_prune as an Ansible module: one <see cref="SnapshotRun"/>, check mode as a dry run.</summary>
public static class ZfsSnapshotPruneModule
{
    public static ModuleDefinition Definition(ICommandRunner runner, TimeProvider clock) =>
        new(ZfsSnapshotPruneSpec.ModuleName, ZfsSnapshotPruneSpec.Spec, context => Execute(context, runner, clock));

    public static ModuleResult Execute(ModuleContext context, ICommandRunner runner, TimeProvider clock)
    {
        var request = SnapshotRunRequest.Create(ZfsSnapshotPruneArguments.From(context.Parameters), dryRun: context.CheckMode);
        if (!request.IsOk)
        {
            return ModuleResult.Fail(request.Error.Message);
        }

        var outcome = SnapshotRun.Execute(new ZfsSession(runner), request.Value, clock);
        if (!outcome.IsOk)
        {
            return ModuleResult.Fail(outcome.Error.Message);
        }

        var run = outcome.Value;
        if (run.Applied.Failed)
        {
            return run.Applied.FailureResult();
        }

        var (before, after) = run.Diff();
        var result = new ModuleResult { Changed = run.Plan.Changes, Msg = run.Summary(), Diff = new ModuleDiff(before, after), Warnings = run.Warnings };
        foreach (var (key, value) in run.Report())
        {
            result = result.With(key, value?.DeepClone());
        }

        return result;
    }
}
