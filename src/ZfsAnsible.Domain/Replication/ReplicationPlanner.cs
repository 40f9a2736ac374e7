using System.Collections.Immutable;

namespace ZfsAnsible.Domain.Replication;

/// <summary>A snapshot as replication sees it: GUIDs identify the same snapshot on both sides, whatever its name.</summary>
public sealed record ReplicaSnapshot(string Name, ulong Guid, long CreateTxg);

/// <summary>A source snapshot with the targets it is the base of (zfsansible:replicated, "" for none).</summary>
public sealed record MarkedSnapshot(ReplicaSnapshot Snapshot, string Marks)
{
    public bool IsBaseOf(string targetId) => ReplicationMark.Parse(Marks).Contains(targetId);
}

/// <summary>The target dataset as found: absent, or present with its snapshots and an interrupted receive's token.</summary>
/// <param name="Protected">readonly=on and canmount=noauto, as every received dataset must be.</param>
/// <param name="ResumeToGuid">The GUID of the snapshot the interrupted receive delivers when resumed (read from its token).</param>
/// <param name="Label">The replica label the target carries (set locally by an earlier pull), or null.</param>
/// <param name="ParentExists">An absent target's parent is there by the time it is received (the replica of its source's
/// parent, planned earlier in the same run): its receive needs no "zfs create -p".</param>
public sealed record TargetState(bool Exists, ImmutableArray<ReplicaSnapshot> Snapshots, string? ResumeToken, bool Protected = true, ulong? ResumeToGuid = null, ReplicaLabel? Label = null,
    bool ParentExists = false)
{
    public static TargetState Absent { get; } = new(false, [], null);
}

/// <summary>What a plan depends on besides the two sides: this target's id (its marks and hold tag), holds on or off, resume on or off.</summary>
/// <param name="ProtectOnReceive">The target's zfs recv sets properties (-o, OpenZFS): a full receive lands protected.</param>
public sealed record ReplicationOptions(string TargetId, bool Hold, bool Resume, bool ProtectOnReceive = false);

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
/// Decides the next transfer of one dataset (docs/safety.md rule 3). Pure: the base is the newest common snapshot by GUID, and
/// every situation that would need data on the target destroyed or rolled back is an error, never a forced receive.
/// </summary>
public static class ReplicationPlanner
{
    /// <summary>A full send, then the incremental rest, or a resume and then the rest: never more steps than this.</summary>
    private const int MaxSteps = 4;

    /// <summary>
    /// Every action of one dataset's run, in order, from what both sides hold now: the transfers <see cref="Next"/>
    /// chooses one after another on the state each leaves behind, each base held and marked as soon as the target has
    /// it (a long seed or an interrupted run still protects its base), the previous base released, the target
    /// protected once it is known to be this replication's (by its full receive itself where the ZFS can), and the
    /// success recorded. A dataset that must be left alone gets a refusal and no action at all. A new replica is
    /// labelled (<paramref name="label"/>) by its full receive where the ZFS can; one whose label differs from the one
    /// it carries is labelled once it is up to date.
    /// </summary>
    public static DatasetPlan Plan(string source, string target, ImmutableArray<MarkedSnapshot> sourceSnapshots, TargetState state, ReplicationOptions options, ReplicaLabel? label = null)
    {
        var snapshots = sourceSnapshots.Select(s => s.Snapshot).ToImmutableArray();
        var before = state.Snapshots.MaxBy(s => s.CreateTxg)?.Name;
        if (snapshots.MaxBy(s => s.Name.Length) is { } longest && target.Length + 1 + longest.Name.Length > Naming.ZfsNames.MaxNameLength)
        {
            return DatasetPlan.Refuse(source, target,
                $"{target}@{longest.Name} would be {target.Length + 1 + longest.Name.Length} characters long; ZFS allows {Naming.ZfsNames.MaxNameLength} (choose a shorter target_root)");
        }

        if (state.ResumeToken is not null && options.Resume && state.ResumeToGuid is null)
        {
            return DatasetPlan.Refuse(source, target, $"{target} holds an interrupted receive whose token could not be read; abort it by hand with 'zfs recv -A {target}'");
        }

        if (state.ResumeToken is not null && state.ResumeToGuid is { } resumed && snapshots.All(s => s.Guid != resumed))
        {
            return DatasetPlan.Refuse(source, target,
                $"{target} holds an interrupted receive of a snapshot {source} no longer has; abort it by hand with 'zfs recv -A {target}'");
        }

        var actions = ImmutableArray.CreateBuilder<ReplicationAction>();
        var marks = sourceSnapshots.ToDictionary(s => s.Snapshot.Guid, s => ReplicationMark.Parse(s.Marks));
        var current = state;
        for (var step = 0; step < MaxSteps; step++)
        {
            var next = Next(source, target, snapshots, current, options.Resume);
            if (!next.IsOk)
            {
                return DatasetPlan.Refuse(source, target, next.Error.Message);
            }

            if (next.Value is NothingToSend nothing)
            {
                return new DatasetPlan(source, target, actions.ToImmutable(), null, before, null, nothing.Describe(source, target));
            }

            if (options.Hold && CommonBase(snapshots, current) is { } common)
            {
                // What the next transfer delivers was held and marked while an earlier run's transfer of it failed:
                // it is about to be the base, so it keeps both rather than lose them for a moment.
                var delivers = next.Value switch
                {
                    FullSend full => full.Snapshot.Guid,
                    IncrementalSend incremental => incremental.Newest.Guid,
                    ResumeSend => current.ResumeToGuid,
                    _ => null,
                };
                KeepBase(source, common, delivers, snapshots, marks, options.TargetId, actions);
            }

            if ((next.Value is UpToDate or IncrementalSend) && !current.Protected)
            {
                actions.Add(new Protect(target));
                current = current with { Protected = true };
            }

            switch (next.Value)
            {
                case UpToDate upToDate:
                    if (label is not null && label != current.Label)
                    {
                        actions.Add(new LabelReplica(target, label));
                    }

                    if (actions.Any(a => a is Transfer))
                    {
                        actions.Add(new RecordSuccess(target));
                    }

                    return new DatasetPlan(source, target, actions.ToImmutable(), null, before, upToDate.Newest.Name, null);
                case FullSend full:
                    if (!current.ParentExists && target.LastIndexOf('/') is var slash and > 0)
                    {
                        actions.Add(new CreateParents(target[..slash]));
                    }

                    var received = options.ProtectOnReceive ? label : null;
                    actions.Add(new Transfer(source, target, full, Protects: options.ProtectOnReceive, Label: received));
                    current = new TargetState(true, [full.Snapshot], null, Protected: options.ProtectOnReceive, Label: received);
                    break;
                case IncrementalSend incremental:
                    actions.Add(new Transfer(source, target, incremental));
                    current = current with
                    {
                        Snapshots = current.Snapshots.AddRange(snapshots.Where(s => s.CreateTxg > incremental.Base.CreateTxg && s.CreateTxg <= incremental.Newest.CreateTxg)),
                    };
                    break;
                case ResumeSend resume:
                    actions.Add(new Transfer(source, target, resume));
                    current = current with
                    {
                        Exists = true,
                        Snapshots = current.Snapshots.AddRange(snapshots.Where(s => s.Guid == current.ResumeToGuid)),
                        ResumeToken = null,
                        ResumeToGuid = null,
                    };
                    break;
            }
        }

        return DatasetPlan.Refuse(source, target, $"{source} to {target}: not up to date after {MaxSteps} planned transfers");
    }

    /// <summary>
    /// Holds and marks the base this target has, and lets go of this target's previous bases but the snapshot the next
    /// transfer delivers (<paramref name="delivers"/>); other targets' marks stay.
    /// </summary>
    private static void KeepBase(string source, ReplicaSnapshot common, ulong? delivers, ImmutableArray<ReplicaSnapshot> snapshots, Dictionary<ulong, ImmutableSortedSet<string>> marks,
        string targetId, ImmutableArray<ReplicationAction>.Builder actions)
    {
        var tag = ReplicationMark.HoldTag(targetId);
        if (!marks[common.Guid].Contains(targetId))
        {
            marks[common.Guid] = marks[common.Guid].Add(targetId);
            actions.Add(new HoldBase($"{source}@{common.Name}", tag));
            actions.Add(new SetMarks($"{source}@{common.Name}", [.. marks[common.Guid]]));
        }

        foreach (var stale in snapshots.Where(s => s.Guid != common.Guid && s.Guid != delivers && marks[s.Guid].Contains(targetId)).OrderBy(s => s.CreateTxg))
        {
            marks[stale.Guid] = marks[stale.Guid].Remove(targetId);
            actions.Add(new SetMarks($"{source}@{stale.Name}", [.. marks[stale.Guid]]));
            actions.Add(new ReleaseBase($"{source}@{stale.Name}", tag));
        }
    }
    /// <summary>The one next transfer from the state both sides are in; an error when the target must be left alone.</summary>
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
