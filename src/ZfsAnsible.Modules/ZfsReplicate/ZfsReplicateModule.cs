using ZfsAnsible.ModuleProtocol.Hosting;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Modules.ZfsReplicate;

/// <summary>zfs_replicate as an Ansible module: one <see cref="ReplicationRun"/>, check mode without transfers or lock.</summary>
public static class ZfsReplicateModule
{
    public static ModuleDefinition Definition(ICommandRunner runner, IPipeRunner pipe, TimeProvider clock) =>
        new(ZfsReplicateSpec.ModuleName, ZfsReplicateSpec.Spec, context => Execute(context, runner, pipe, clock));

    public static ModuleResult Execute(ModuleContext context, ICommandRunner runner, IPipeRunner pipe, TimeProvider clock)
    {
        var request = ReplicationRequest.Create(ZfsReplicateArguments.From(context.Parameters));
        if (!request.IsOk)
        {
            return ModuleResult.Fail(request.Error.Message);
        }

        using var interruption = new SignalInterruption();
        var outcome = new ReplicationRun(runner, pipe, clock, Environment.MachineName).Execute(request.Value, context.CheckMode, interruption.Token);
        var message = interruption.Signal is { } signal ? $"interrupted by {signal}: {outcome.Summary()}" : outcome.Summary();
        var (before, after) = outcome.Diff();
        var result = new ModuleResult
        {
            Changed = outcome.Changed,
            Failed = outcome.Failure is not null || interruption.Signal is not null,
            Msg = message,
            Diff = new ModuleDiff(before, after),
            Warnings = [.. outcome.Warnings],
        };
        foreach (var (key, value) in outcome.Report())
        {
            result = result.With(key, value?.DeepClone());
        }

        return result;
    }
}
