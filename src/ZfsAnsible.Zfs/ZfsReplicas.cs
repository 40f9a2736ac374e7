using System.Collections.Immutable;
using System.Globalization;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Datasets;
using ZfsAnsible.Domain.Replication;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Zfs;

/// <summary>A source snapshot with the mark zfs_replicate leaves on the one a target received last.</summary>
public sealed record MarkedSnapshot(ReplicaSnapshot Snapshot, bool Marked);

/// <summary>
/// One side of a replication, local or over ssh (the runner decides): snapshots by GUID, the target's state, and the
/// commands of a transfer. Reads with "zfs get -H -p", which every supported CLI answers in exact numbers.
/// </summary>
public sealed class ZfsReplicas(ICommandRunner runner, ZfsCapabilities capabilities)
{
    /// <summary>The user hold that keeps a target's base snapshot on the source.</summary>
    public const string HoldTag = "zfsansible_replica";

    public ZfsCapabilities Capabilities => capabilities;

    public Result<ImmutableArray<MarkedSnapshot>> Snapshots(string dataset)
    {
        var command = Command.Of("zfs", "get", "-H", "-p", "-r", "-o", "name,property,value,source", $"guid,createtxg,{ZfsSnapshots.ReplicatedProperty}", dataset);
        var result = runner.Run(command);
        if (!result.Succeeded)
        {
            return new ZfsCommandError(result);
        }

        var snapshots = ImmutableArray.CreateBuilder<MarkedSnapshot>();
        foreach (var group in Rows(result.StandardOutput).Where(f => f[0].StartsWith(dataset + "@", StringComparison.Ordinal)).GroupBy(f => f[0], StringComparer.Ordinal))
        {
            var values = group.ToDictionary(f => f[1], StringComparer.Ordinal);
            if (!values.TryGetValue("guid", out var guid) || !ulong.TryParse(guid[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                || !values.TryGetValue("createtxg", out var txg) || !long.TryParse(txg[2], NumberStyles.None, CultureInfo.InvariantCulture, out var createTxg))
            {
                return new ZfsOutputError(command, $"snapshot {group.Key} has no readable guid or createtxg");
            }

            var marked = values.TryGetValue(ZfsSnapshots.ReplicatedProperty, out var mark) && mark[3] == "local";
            snapshots.Add(new MarkedSnapshot(new ReplicaSnapshot(group.Key[(dataset.Length + 1)..], id, createTxg), marked));
        }

        return Result.Ok(snapshots.ToImmutable());
    }

    public Result<TargetState> Target(string dataset)
    {
        var exists = runner.Run(Command.Of("zfs", "list", "-H", "-o", "name", dataset));
        if (!exists.Succeeded)
        {
            return exists.StandardError.Contains("does not exist", StringComparison.Ordinal)
                ? Result.Ok(TargetState.Absent)
                : new ZfsCommandError(exists);
        }

        var snapshots = Snapshots(dataset);
        if (!snapshots.IsOk)
        {
            return snapshots.Error!;
        }

        string? token = null;
        if (capabilities.ResumableReceive)
        {
            var read = runner.Run(Command.Of("zfs", "get", "-H", "-p", "-o", "value", "receive_resume_token", dataset));
            if (!read.Succeeded)
            {
                return new ZfsCommandError(read);
            }

            token = read.StandardOutput.Trim() is { Length: > 1 } value ? value : null;
        }

        return Result.Ok(new TargetState(true, [.. snapshots.Value.Select(s => s.Snapshot)], token));
    }

    /// <summary>
    /// Datasets whose policy says replicate: zfsansible:replicate on, set on the dataset itself or inherited into a
    /// discovering subtree (the same reading as the snapshot timer's).
    /// </summary>
    public Result<ImmutableArray<string>> MarkedForReplication(IReadOnlyCollection<string> roots)
    {
        var command = Command.Of("zfs", "get", "-H", "-p", "-r", "-o", "name,property,value,source", $"{PolicyProperties.Replicate},{PolicyProperties.DiscoverChildren}").WithArguments(roots);
        var result = runner.Run(command);
        if (!result.Succeeded)
        {
            return new ZfsCommandError(result);
        }

        return Result.Ok(Rows(result.StandardOutput)
            .Where(f => !f[0].Contains('@', StringComparison.Ordinal) && !f[0].Contains('#', StringComparison.Ordinal))
            .GroupBy(f => f[0], StringComparer.Ordinal)
            .Where(g =>
            {
                var values = g.ToDictionary(f => f[1], StringComparer.Ordinal);
                return values.TryGetValue(PolicyProperties.Replicate, out var replicate) && replicate[2] == "on"
                    && (replicate[3] == "local" || (values.TryGetValue(PolicyProperties.DiscoverChildren, out var discover) && discover[2] == "on"));
            })
            .Select(g => g.Key)
            .Order(StringComparer.Ordinal)
            .ToImmutableArray());
    }

    public Result<ImmutableArray<string>> ImportedPools()
    {
        var result = runner.Run(Command.Of("zpool", "list", "-H", "-o", "name"));
        return result.Succeeded
            ? Result.Ok(result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToImmutableArray())
            : new ZfsCommandError(result);
    }

    public Result<CommandResult> Run(Command command)
    {
        var result = runner.Run(command);
        return result.Succeeded ? Result.Ok(result) : new ZfsCommandError(result);
    }

    /// <summary>The sending half of a step; the runner of the sending side wraps it (ssh) when it is remote.</summary>
    public static Command Send(ReplicationStep step, string source, bool raw) => step switch
    {
        FullSend full => Command.Of("zfs", "send").WithArguments(raw ? ["-w"] : []).WithArguments($"{source}@{full.Snapshot.Name}"),
        IncrementalSend incremental => Command.Of("zfs", "send").WithArguments(raw ? ["-w"] : [])
            .WithArguments("-I", $"{source}@{incremental.Base.Name}", $"{source}@{incremental.Newest.Name}"),
        ResumeSend resume => Command.Of("zfs", "send", "-t", resume.Token),
        _ => throw new ArgumentOutOfRangeException(nameof(step), step.GetType().Name, "no transfer in this step"),
    };

    /// <summary>
    /// The receiving half: never forced (-F would roll back and destroy what the target holds), not mounted (-u),
    /// resumable (-s) where the target supports it.
    /// </summary>
    public Command Receive(string target) =>
        Command.Of("zfs", "recv", "-u").WithArguments(capabilities.ResumableReceive ? ["-s"] : []).WithArguments(target);

    private static IEnumerable<string[]> Rows(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r').Split('\t')).Where(f => f.Length >= 4);
}
