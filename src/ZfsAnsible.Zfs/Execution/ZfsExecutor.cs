using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Collections;

namespace ZfsAnsible.Zfs.Execution;

/// <summary>
/// What a failure of one command means, decided where the command is planned rather than where it runs:
/// whether "busy" is tried again, and which failures mean the work is already done.
/// </summary>
public sealed record CommandPolicy(bool RetriesWhileBusy, ValueArray<ZfsFailure> Tolerated)
{
    /// <summary>Run once: any failure is the answer.</summary>
    public static CommandPolicy Once { get; } = new(false, []);

    /// <summary>
    /// "busy" right after a mount or unmount (zfs-fuse especially) changed nothing, so the command is tried again a
    /// few times: every zpool command and every planned change of zfs_pool, zfs_dataset_policy and zfs_snapshot_prune.
    /// </summary>
    public static CommandPolicy RetryWhileBusy { get; } = new(true, []);

    /// <summary>A copy that counts <paramref name="failure"/> as success (e.g. a hold an earlier run left).</summary>
    public CommandPolicy Tolerating(ZfsFailure failure) => this with { Tolerated = [.. Tolerated, failure] };
}

/// <summary>
/// The one door every zfs/zpool command goes through: it runs the command under its <see cref="CommandPolicy"/> and
/// turns a failure into a <see cref="ZfsCommandError"/> classified once.
/// </summary>
public sealed class ZfsExecutor(ICommandRunner runner)
{
    private const int BusyRetries = 5;

    /// <summary>The result of a success or of a tolerated failure; otherwise the classified error.</summary>
    public Result<CommandResult> Run(Command command, CommandPolicy policy)
    {
        var result = runner.Run(command);
        for (var attempt = 1; policy.RetriesWhileBusy && attempt <= BusyRetries && ZfsFailures.Classify(result) == ZfsFailure.Busy; attempt++)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(200 * attempt));
            result = runner.Run(command);
        }

        if (result.Succeeded)
        {
            return result;
        }

        var error = new ZfsCommandError(result);
        return policy.Tolerated.Contains(error.Failure) ? result : error;
    }

    /// <summary>A read's standard output, the command run once.</summary>
    public Result<string> Read(Command command) => Read(command, CommandPolicy.Once);

    public Result<string> Read(Command command, CommandPolicy policy) => Run(command, policy).Map(r => r.StandardOutput);

    /// <summary>A read too large to hold whole: each line of standard output goes to <paramref name="line"/>; the command run once.</summary>
    public Result<CommandResult> ReadLines(Command command, LineHandler line)
    {
        var result = runner.RunLines(command, line);
        return result.Succeeded ? result : new ZfsCommandError(result);
    }
}
