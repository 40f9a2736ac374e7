using System.Collections.Immutable;

namespace ZfsAnsible.Domain.Replication;

/// <summary>A snapshot as replication sees it: GUIDs identify the same snapshot on both sides, whatever its name.</summary>
public sealed record ReplicaSnapshot(string Name, ulong Guid, long CreateTxg);

/// <summary>The target dataset as found: absent, or present with its snapshots and an interrupted receive's token.</summary>
/// <param name="Protected">readonly=on and canmount=noauto, as every received dataset must be.</param>
public sealed record TargetState(bool Exists, ImmutableArray<ReplicaSnapshot> Snapshots, string? ResumeToken, bool Protected = true)
{
    public static TargetState Absent { get; } = new(false, [], null);
}

/// <summary>One transfer (or none) that brings the target closer to the source.</summary>
public abstract record ReplicationStep
{
    public abstract string Describe(string source, string target);
}

/// <summary>The target is missing: the source's oldest snapshot in full, so every later one can follow incrementally.</summary>
public sealed record FullSend(ReplicaSnapshot Snapshot) : ReplicationStep
{
    public override string Describe(string source, string target) => $"full send of {source}@{Snapshot.Name} to {target}";
}

/// <summary>From the newest common snapshot to the source's newest, with every snapshot in between (zfs send -I).</summary>
public sealed record IncrementalSend(ReplicaSnapshot Base, ReplicaSnapshot Newest) : ReplicationStep
{
    public override string Describe(string source, string target) => $"incremental send {source}@{Base.Name} .. @{Newest.Name} to {target}";
}

/// <summary>An interrupted receive left a token: the transfer continues where it stopped (zfs send -t).</summary>
public sealed record ResumeSend(string Token) : ReplicationStep
{
    public override string Describe(string source, string target) => $"resume of the interrupted transfer {source} to {target}";
}

/// <summary>The target has the source's newest snapshot.</summary>
public sealed record UpToDate(ReplicaSnapshot Newest) : ReplicationStep
{
    public override string Describe(string source, string target) => $"{target} is up to date with {source}@{Newest.Name}";
}

/// <summary>The source has no snapshot yet: nothing can be sent.</summary>
public sealed record NothingToSend : ReplicationStep
{
    public override string Describe(string source, string target) => $"{source} has no snapshot to send yet";
}

/// <summary>
/// Decides the next transfer of one dataset (DESIGN §6.3). Pure: the base is the newest common snapshot by GUID, and
/// every situation that would need data on the target destroyed or rolled back is an error, never a forced receive.
/// </summary>
public static class ReplicationPlanner
{
    public static Result<ReplicationStep> Next(string source, string target, ImmutableArray<ReplicaSnapshot> sourceSnapshots, TargetState state, bool resume)
    {
        if (state.ResumeToken is { Length: > 0 } token)
        {
            return resume
                ? Step(new ResumeSend(token))
                : Result<ReplicationStep>.Fail($"{target} holds an interrupted receive; enable resume, or abort it by hand with 'zfs recv -A {target}'");
        }

        var ordered = sourceSnapshots.OrderBy(s => s.CreateTxg).ToImmutableArray();
        if (ordered.IsEmpty)
        {
            return Step(new NothingToSend());
        }

        if (!state.Exists)
        {
            return Step(new FullSend(ordered[0]));
        }

        var sourceByGuid = ordered.ToDictionary(s => s.Guid);
        var common = state.Snapshots.Where(t => sourceByGuid.ContainsKey(t.Guid)).MaxBy(t => sourceByGuid[t.Guid].CreateTxg);
        if (common is null)
        {
            return Result<ReplicationStep>.Fail(
                $"{target} exists but shares no snapshot with {source}; it was not made by this replication and is left alone " +
                "(rename or remove it by hand, or choose another target_root)");
        }

        var targetOnly = state.Snapshots.Where(t => t.CreateTxg > common.CreateTxg && !sourceByGuid.ContainsKey(t.Guid)).Select(t => t.Name).ToList();
        if (targetOnly.Count > 0)
        {
            return Result<ReplicationStep>.Fail(
                $"{target} has snapshots newer than the common base @{common.Name} that {source} does not have ({string.Join(", ", targetOnly.Take(3))}); " +
                "receiving would destroy them, so nothing is sent");
        }

        var baseSnapshot = sourceByGuid[common.Guid];
        var newest = ordered[^1];
        return Step(baseSnapshot.Guid == newest.Guid ? new UpToDate(newest) : new IncrementalSend(baseSnapshot, newest));
    }

    /// <summary>The source's copy of the newest snapshot both sides have (by GUID), or null when they share none.</summary>
    public static ReplicaSnapshot? CommonBase(ImmutableArray<ReplicaSnapshot> sourceSnapshots, TargetState state)
    {
        var onTarget = state.Snapshots.Select(t => t.Guid).ToHashSet();
        return sourceSnapshots.Where(s => onTarget.Contains(s.Guid)).MaxBy(s => s.CreateTxg);
    }

    private static Result<ReplicationStep> Step(ReplicationStep step) => Result.Ok(step);

    /// <summary>Where a source dataset lands: its full name below the target root (slowpool/backups/raw/host-storage/tank/docs).</summary>
    public static string TargetFor(string targetRoot, string sourceDataset) => $"{targetRoot.TrimEnd('/')}/{sourceDataset}";
}
