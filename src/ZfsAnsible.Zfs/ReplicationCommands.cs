using System.Collections.Immutable;
using System.Globalization;
using ZfsAnsible.Domain.Properties;
using ZfsAnsible.Domain.Replication;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Zfs;

/// <summary>
/// A write a replication issues, with its failure policy; <paramref name="WarnOnFailure"/> turns any failure the
/// policy does not tolerate into that warning (the step only tidies up).
/// </summary>
public sealed record ZfsWrite(Command Command, CommandPolicy Policy, string? WarnOnFailure = null);

/// <summary>What the metrics read from a replica after a successful run (docs/metrics.md).</summary>
public sealed record SuccessRecord(DateTimeOffset At, long Bytes, TimeSpan Duration);

/// <summary>
/// The argv of every planned replication action that is not a transfer (transfers are pipes: <see cref="ZfsReplicas.Send"/>
/// and <see cref="ZfsReplicas.Receive"/>). Pure: check mode lists exactly what a real run runs.
/// </summary>
public static class ReplicationCommands
{
    /// <param name="oneSet">The side's "zfs set" takes several properties (OpenZFS): an action's properties of one
    /// dataset go in one command, applied together; else one command each (zfs-fuse), independent of one another.</param>
    public static ImmutableArray<ZfsWrite> For(ReplicationAction action, SuccessRecord record, bool oneSet = false) => action switch
    {
        CreateParents create => [Write(Command.Of("zfs", "create", "-p", create.Dataset))],
        Protect protect => Set(oneSet, protect.Target, [.. Protect.Properties]),
        // A hold an earlier run left (it failed before releasing the old base) is the hold this run wants.
        HoldBase hold => [new(Command.Of("zfs", "hold", hold.Tag, hold.Snapshot), CommandPolicy.Once.Tolerating(ZfsFailure.HoldExists))],
        // Someone may have released the hold by hand; the mark is what prune reads, so this only warns.
        ReleaseBase release => [new(Command.Of("zfs", "release", release.Tag, release.Snapshot), CommandPolicy.Once,
            WarnOnFailure: $"could not release the hold {release.Tag} on {release.Snapshot}; release it by hand with 'zfs release {release.Tag} {release.Snapshot}'")],
        SetMarks { Marks.IsEmpty: true } unmark => [Write(Command.Of("zfs", "inherit", ZfsAnsibleProperties.Replicated, unmark.Snapshot))],
        SetMarks mark => Set(oneSet, mark.Snapshot, (ZfsAnsibleProperties.Replicated, ReplicationMark.Format(mark.Marks))),
        LabelReplica label => Set(oneSet, label.Target, [.. label.Label.Properties]),
        RecordSuccess success => Set(
            oneSet,
            success.Target,
            (ZfsAnsibleProperties.LastSuccess, record.At.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            (ZfsAnsibleProperties.LastDurationMs, ((long)record.Duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)),
            (ZfsAnsibleProperties.LastBytes, record.Bytes.ToString(CultureInfo.InvariantCulture))),
        _ => throw new ArgumentOutOfRangeException(nameof(action), action.GetType().Name, "a transfer is a pipe, not a write"),
    };

    private static ImmutableArray<ZfsWrite> Set(bool oneSet, string dataset, params (string Property, string Value)[] properties) => oneSet
        ? [Write(Command.Of("zfs", "set").WithArguments(properties.Select(p => $"{p.Property}={p.Value}")).WithArguments(dataset))]
        : [.. properties.Select(p => Write(Command.Of("zfs", "set", $"{p.Property}={p.Value}", dataset)))];

    /// <summary>Replication writes run once, as they always have: a failure stops the dataset and is reported.</summary>
    private static ZfsWrite Write(Command command) => new(command, CommandPolicy.Once);
}
