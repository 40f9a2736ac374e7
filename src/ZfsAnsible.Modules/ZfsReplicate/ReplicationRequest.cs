using System.Collections.Immutable;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Naming;
using ZfsAnsible.Domain.Policies;
using ZfsAnsible.Domain.Replication;
using ZfsAnsible.Policies;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Modules.ZfsReplicate;

/// <summary>What one replication run is asked to do, from the module's options or the timer's command line.</summary>
/// <param name="SourceRoots">Where discovery looks when <paramref name="Datasets"/> is empty; empty: every imported pool.</param>
/// <param name="ReplicaRetention">Per policy (or "*"), the intervals a replica keeps instead of its source's (<see cref="ReplicaLabel.WithOverrides"/>).</param>
/// <param name="AllowEmpty">A discovery that finds no dataset only warns, instead of failing the run.</param>
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
    string LockDirectory,
    ImmutableSortedDictionary<string, ImmutableSortedDictionary<Interval, int>> ReplicaRetention,
    bool AllowEmpty)
{
    /// <summary>The lock's name: one replication per source host ("local" when the source is this host).</summary>
    public string LockName => Direction == Direction.Pull && Remote is { } source ? source.Host : "local";

    /// <summary>
    /// Checks what the argument spec cannot express (names ZFS would refuse, the ssh words, a rate, an absolute
    /// lock directory) before any of it reaches a command line; every problem at once.
    /// </summary>
    public static Result<ReplicationRequest> Create(ZfsReplicateArguments arguments)
    {
        var problems = arguments.Datasets.Concat(arguments.SourceRoots).Select(ZfsNames.CheckDatasetName).OfType<Error>().Select(e => e.Message).ToList();
        if (!arguments.Datasets.IsEmpty && !arguments.SourceRoots.IsEmpty)
        {
            problems.Add("datasets and source_roots are mutually exclusive: list the datasets, or where to discover them");
        }

        if (ZfsNames.CheckDatasetName(arguments.TargetRoot) is { } invalidRoot && ZfsNames.CheckPoolName(arguments.TargetRoot) is not null)
        {
            problems.Add($"target_root: {invalidRoot.Message}");
        }

        var remote = SshEndpoint.Optional(arguments.RemoteHost, arguments.RemoteUser, arguments.RemotePort, arguments.SshKey, arguments.SshOptions);
        if (!remote.IsOk)
        {
            problems.Add(remote.Error.Message);
        }

        var rate = RateOf(arguments.BandwidthLimit);
        if (!rate.IsOk)
        {
            problems.Add(rate.Error.Message);
        }

        if (!Path.IsPathFullyQualified(arguments.LockDir))
        {
            problems.Add("lock_dir must be an absolute path");
        }

        var retention = RetentionMap.Read("replica_retention", arguments.ReplicaRetention);
        if (!retention.IsOk)
        {
            problems.Add(retention.Error.Message);
        }

        return Result.From(problems, () => new ReplicationRequest(
            arguments.Datasets, arguments.SourceRoots, arguments.TargetRoot, arguments.Direction, remote.Value,
            rate.Value, arguments.Raw, arguments.Resume, arguments.Hold, arguments.LockDir, retention.Value!, arguments.AllowEmpty));
    }

    /// <summary>"3M", "500K": bytes per second; absent or "0": no limit.</summary>
    private static Result<long?> RateOf(string? limit) =>
        limit is not { Length: > 0 } || limit == "0" ? Result.Ok<long?>(null)
        : Sizes.TryParse(limit, out var bytes) && bytes > 0 ? Result.Ok<long?>(bytes)
        : Result<long?>.Fail($"bandwidth_limit '{ZfsNames.Printable(limit)}' is not a rate in bytes per second like 3M, 500K or 0 (no limit)");
}
