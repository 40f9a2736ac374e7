using System.Collections.Immutable;
using ZfsAnsible.Domain.Collections;

namespace ZfsAnsible.Domain.Replication;

/// <summary>Which end of a replication an action runs on.</summary>
public enum ReplicationSide
{
    Source,
    Target,
}

/// <summary>One thing a replication run does to one dataset, in the order the plan lists them.</summary>
public abstract record ReplicationAction
{
    public abstract ReplicationSide Side { get; }
}

/// <summary>zfs create -p of the target's parent, before the first receive (zfs recv creates only the last level).</summary>
public sealed record CreateParents(string Dataset) : ReplicationAction
{
    public override ReplicationSide Side => ReplicationSide.Target;
}

/// <summary>One send | recv pipe: a <see cref="FullSend"/>, <see cref="IncrementalSend"/> or <see cref="ResumeSend"/>.</summary>
/// <param name="Protects">The receive itself sets what <see cref="Protect"/> would (zfs recv -o): the new target is never
/// writable or mountable, not even between the stream's end and the next command.</param>
/// <param name="Label">The receive itself sets the replica's label too (zfs recv -o, with <paramref name="Protects"/>): the
/// backup server's snapshot timer never meets the new replica unlabelled, and no "zfs set" follows.</param>
public sealed record Transfer(string Source, string Target, ReplicationStep Step, bool Protects = false, ReplicaLabel? Label = null) : ReplicationAction
{
    public override ReplicationSide Side => ReplicationSide.Target;
}

/// <summary>readonly=on and canmount=noauto on a target this replication made: a copy is never written or mounted over a live path.</summary>
public sealed record Protect(string Target) : ReplicationAction
{
    /// <summary>What protects a replica, set by this action or by the full receive (<see cref="Transfer.Protects"/>).</summary>
    public static ImmutableArray<(string Property, string Value)> Properties { get; } = [("readonly", "on"), ("canmount", "noauto")];

    public override ReplicationSide Side => ReplicationSide.Target;
}

/// <summary>A user hold on the source's base snapshot, so nothing can destroy the base of the next transfer.</summary>
public sealed record HoldBase(string Snapshot, string Tag) : ReplicationAction
{
    public override ReplicationSide Side => ReplicationSide.Source;
}

/// <summary>Lets go of a previous base of this target.</summary>
public sealed record ReleaseBase(string Snapshot, string Tag) : ReplicationAction
{
    public override ReplicationSide Side => ReplicationSide.Source;
}

/// <summary>The targets a source snapshot is the base of (zfsansible:replicated); empty removes the property.</summary>
public sealed record SetMarks(string Snapshot, ValueArray<string> Marks) : ReplicationAction
{
    public override ReplicationSide Side => ReplicationSide.Source;
}

/// <summary>The replica's policy and retention, for the backup server's snapshot timer (<see cref="ReplicaLabel"/>).</summary>
public sealed record LabelReplica(string Target, ReplicaLabel Label) : ReplicationAction
{
    public override ReplicationSide Side => ReplicationSide.Target;
}

/// <summary>When, how long and how many bytes the run's transfers took, on the target: what the metrics read.</summary>
public sealed record RecordSuccess(string Target) : ReplicationAction
{
    public override ReplicationSide Side => ReplicationSide.Target;
}

/// <summary>
/// What one dataset's run will do: every action in order, or the reason it is refused (then it has no action at
/// all: a refused target receives no command).
/// </summary>
/// <param name="Before">The target's newest snapshot before the run, or null when it has none.</param>
/// <param name="Newest">The target's newest snapshot after the plan, or null when there is nothing to send.</param>
public sealed record DatasetPlan(string Source, string Target, ImmutableArray<ReplicationAction> Actions, string? Refusal, string? Before, string? Newest, string? Warning)
{
    public bool Refused => Refusal is not null;

    public IEnumerable<Transfer> Transfers => Actions.OfType<Transfer>();

    /// <summary>The report's action: full, incremental, resumed (joined by + when several), up_to_date, no_snapshot or refused.</summary>
    public string Action => Refused ? "refused"
        : Transfers.Any() ? string.Join('+', Transfers.Select(t => t.Step switch { FullSend => "full", IncrementalSend => "incremental", _ => "resumed" }))
        : Newest is null ? "no_snapshot" : "up_to_date";

    public static DatasetPlan Refuse(string source, string target, string reason) => new(source, target, [], reason, null, null, null);

    /// <summary>
    /// The actions as the stages they run in: a stage starts once the one before it succeeded. Each action is a stage
    /// of its own, in plan order, but three:
    /// <list type="bullet">
    /// <item>what a transfer's receive needs first (the target's parents, its protection) leads the transfer's lane:
    /// the runner writes it while the transfer's commands start, and the stream and the stage's other lanes go on once
    /// it is done;</item>
    /// <item>the hold and the mark of the snapshot a transfer delivers run while it is delivered (they touch the
    /// source's snapshot, not the stream). If the transfer fails, that snapshot stays held and marked beside the old
    /// base: the next run sends it again and keeps both, or lets go of it when it sends a newer one;</item>
    /// <item>the tail: once the last transfer is done and the new base is held, the source's remaining writes
    /// (letting go of the old base) and the target's (label, success record) touch different datasets, on different
    /// hosts when one is remote, so they run side by side, each side in order.</item>
    /// </list>
    /// Nothing is ever marked before it is held, and no old base is let go before the new one is held and received.
    /// </summary>
    public ImmutableArray<Stage> Stages()
    {
        var last = Actions.Select((action, at) => action is Transfer or HoldBase ? at : -1).DefaultIfEmpty(-1).Max();
        var stages = ImmutableArray.CreateBuilder<Stage>();
        var next = 0;
        while (next <= last)
        {
            var at = next;
            while (Actions[at] is CreateParents or Protect && at < last)
            {
                at++;
            }

            if (Actions[at] is not Transfer transfer)
            {
                stages.Add(new Stage([[Actions[next]]]));
                next++;
                continue;
            }

            ValueArray<ReplicationAction> lane = [.. Actions[next..at], transfer];
            // The planner holds and marks, right after a transfer, the newest common snapshot: the one it delivered.
            if (at + 2 < Actions.Length && Actions[at + 1] is HoldBase hold && Actions[at + 2] is SetMarks mark && mark.Snapshot == hold.Snapshot)
            {
                stages.Add(new Stage([lane, [hold, mark]]));
                next = at + 3;
            }
            else
            {
                stages.Add(new Stage([lane]));
                next = at + 1;
            }
        }

        var rest = Actions[next..];
        var lanes = new[] { ReplicationSide.Source, ReplicationSide.Target }
            .Select(side => (ValueArray<ReplicationAction>)[.. rest.Where(a => a.Side == side)])
            .Where(lane => !lane.IsEmpty)
            .ToImmutableArray();
        if (!lanes.IsEmpty)
        {
            stages.Add(new Stage([.. lanes]));
        }

        return stages.ToImmutable();
    }
}

/// <summary>Actions that may run at the same time: each lane in order, the lanes side by side.</summary>
public sealed record Stage(ValueArray<ValueArray<ReplicationAction>> Lanes);
