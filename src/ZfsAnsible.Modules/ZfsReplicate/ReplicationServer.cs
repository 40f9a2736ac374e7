using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Naming;
using ZfsAnsible.Zfs;
using ZfsAnsible.Zfs.Execution;
using ZfsAnsible.Zfs.Serving;

namespace ZfsAnsible.Modules.ZfsReplicate;

/// <summary>
/// <c>zfs_replicate serve</c>: the source side of a pull, run by sshd as the backup server key's forced command. It
/// reads the command the pull asked for (SSH_ORIGINAL_COMMAND), runs it only if <see cref="ServeRules"/> allows it for
/// the served roots — with this process's stdout, so a send streams straight to ssh — and refuses anything else with
/// its reason on stderr and in the system log. No shell ever sees the request.
/// </summary>
/// <param name="attached">Runs an allowed command on this process's stdio and returns its exit code.</param>
public sealed class ReplicationServer(ICommandRunner runner, Func<Command, int> attached, Action<SystemLog.Severity, string> log)
{
    /// <summary>The exit code of a refusal (ssh passes it to the pull, which reports the stderr line).</summary>
    public const int Refused = 126;

    /// <param name="option">How the caller names the roots: --allow on the command line, allow in a module.</param>
    public static Result<IReadOnlyList<string>> CheckRoots(IReadOnlyCollection<string> roots, string option)
    {
        var problems = roots.Select(r => ZfsNames.CheckDatasetName(r) is { } invalid && ZfsNames.CheckPoolName(r) is not null ? $"{option}: {invalid.Message}" : null).OfType<string>().ToList();
        if (roots.Count == 0)
        {
            problems.Add($"serve needs at least one {option} DATASET: the datasets a pull may read and send");
        }

        return Result.From<IReadOnlyList<string>>(problems, () => [.. roots]);
    }

    public int Serve(string? requested, IReadOnlyList<string> roots)
    {
        var allowed = RemoteCommandLine.Parse(requested).Bind(words => ServeRules.Check(words, roots));
        if (allowed is { IsOk: true, Value.ResumeToken: { } token })
        {
            // zfs sends the snapshot with the token's GUID, searched from the named dataset through its whole pool: the
            // name must be allowed AND be that snapshot, or a forged token would send another dataset's data.
            var replicas = new ZfsReplicas(runner, ZfsCapabilities.Legacy);
            var resumed = replicas.ResumedSnapshot(token);
            var problem = !resumed.IsOk ? resumed.Error
                : resumed.Value.Name is not { } name ? new Error("the resume token does not name its snapshot")
                : ServeRules.CheckResumedDataset(name, roots)
                    ?? (replicas.Guid(name) is { IsOk: true } guid && guid.Value == resumed.Value.Guid ? null
                        : new Error($"the resume token's snapshot is not {ZfsNames.Printable(name)}"));
            if (problem is not null)
            {
                allowed = problem;
            }
        }

        if (!allowed.IsOk)
        {
            var shown = ZfsNames.Printable(requested ?? string.Empty);
            log(SystemLog.Severity.Warning, $"refused '{shown}': {allowed.Error.Message}");
            Console.Error.WriteLine($"zfs_replicate serve: refused: {allowed.Error.Message}");
            return Refused;
        }

        log(SystemLog.Severity.Info, $"serving '{allowed.Value.Command}'");
        return attached(allowed.Value.Command);
    }
}
