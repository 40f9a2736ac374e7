using System.Collections.Immutable;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Naming;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Modules.ZfsReplicate;

public enum Direction
{
    /// <summary>Run on the receiving host (the backup server); the source is remote.</summary>
    Pull,

    /// <summary>Run on the sending host; the target is remote (offsite).</summary>
    Push,
}

/// <summary>What one replication run is asked to do, from the module's options or the timer's command line.</summary>
/// <param name="SourceRoots">Where discovery looks when <paramref name="Datasets"/> is empty; empty: every imported pool.</param>
public sealed record ReplicationRequest(
    ImmutableArray<string> Datasets,
    ImmutableArray<string> SourceRoots,
    string TargetRoot,
    Direction Direction,
    SshEndpoint? Remote,
    long? BytesPerSecond,
    bool Raw,
    bool Resume,
    bool Hold,
    string LockDirectory)
{
    public const string DefaultLockDirectory = "/run/zfsansible";

    /// <summary>The lock's name: one replication per source host ("local" when the source is this host).</summary>
    public string LockName => Direction == Direction.Pull && Remote is { } source ? source.Host : "local";

    /// <summary>Checks every value a user typed before any of it reaches a command line.</summary>
    public static Result<ReplicationRequest> Create(
        IEnumerable<string> datasets, IEnumerable<string> sourceRoots, string? targetRoot, string direction, string? remoteHost, string remoteUser, long remotePort,
        string? sshKey, IEnumerable<string> sshOptions, string? bandwidthLimit, bool raw, bool resume, bool hold, string lockDirectory)
    {
        var problems = new List<string>();
        var names = datasets.ToImmutableArray();
        var roots = sourceRoots.ToImmutableArray();
        problems.AddRange(names.Concat(roots).Select(ZfsNames.CheckDatasetName).OfType<Error>().Select(e => e.Message));
        if (!names.IsEmpty && !roots.IsEmpty)
        {
            problems.Add("datasets and source_roots are mutually exclusive: list the datasets, or where to discover them");
        }
        if (targetRoot is null)
        {
            problems.Add("target_root is required");
        }
        else if (ZfsNames.CheckDatasetName(targetRoot) is { } invalidRoot && ZfsNames.CheckPoolName(targetRoot) is not null)
        {
            problems.Add($"target_root: {invalidRoot.Message}");
        }

        // The ssh settings are checked even without a remote host: a typo there is still a typo.
        var remote = SshEndpoint.Create(remoteHost ?? "localhost", remoteUser, remotePort, sshKey, sshOptions);
        if (!remote.IsOk)
        {
            problems.Add(remote.Error.Message);
        }

        long? rate = null;
        if (bandwidthLimit is { Length: > 0 } limit && limit != "0")
        {
            if (Sizes.TryParse(limit, out var bytes) && bytes > 0)
            {
                rate = bytes;
            }
            else
            {
                problems.Add($"bandwidth_limit '{ZfsNames.Printable(limit)}' is not a rate in bytes per second like 3M, 500K or 0 (no limit)");
            }
        }

        if (!Path.IsPathFullyQualified(lockDirectory))
        {
            problems.Add("lock_dir must be an absolute path");
        }

        var parsedDirection = direction switch
        {
            "pull" => Direction.Pull,
            "push" => Direction.Push,
            _ => (Direction?)null,
        };
        if (parsedDirection is null)
        {
            problems.Add($"direction must be pull or push, got {ZfsNames.Printable(direction)}");
        }

        if (problems.Count > 0)
        {
            return Result<ReplicationRequest>.Fail(string.Join("; ", problems));
        }

        return Result.Ok(new ReplicationRequest(names, roots, targetRoot!, parsedDirection!.Value, remoteHost is null ? null : remote.Value, rate, raw, resume, hold, lockDirectory));
    }
}
