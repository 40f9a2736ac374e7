using System.Collections.Immutable;
using ZfsAnsible.Domain.Replication;

namespace ZfsAnsible.Domain.Snapshots;

/// <summary>
/// One existing snapshot as ZFS reports it. <paramref name="CreateTxg"/> orders snapshots even when their
/// creation seconds are equal; <paramref name="Own"/> is set only for names this tool made.
/// </summary>
/// <param name="UserRefs">Number of user holds; a held snapshot is never destroyed.</param>
/// <param name="Replicated">The local value of zfsansible:replicated: the targets whose base this snapshot is ("" for none).</param>
public sealed record Snapshot(string Dataset, string Name, long CreateTxg, DateTimeOffset Creation, int UserRefs, string Replicated)
{
    public SnapshotName? Own { get; } = SnapshotName.TryParse(Name);

    /// <summary>
    /// A snapshot known from the cheap columns of a listing (name and createtxg) only: no holds, no replication mark,
    /// created when its name says (a foreign one: unknown, the epoch). Holds and marks only ever keep snapshots, so a
    /// plan made from these destroys a superset of the true plan; whoever plans with them must read the real values
    /// of the snapshots that plan would destroy and plan again.
    /// </summary>
    public static Snapshot Listed(string dataset, string name, long createTxg)
    {
        var listed = new Snapshot(dataset, name, createTxg, DateTimeOffset.UnixEpoch, 0, string.Empty);
        return listed.Own is { } own ? listed with { Creation = own.Time } : listed;
    }

    public ImmutableSortedSet<string> ReplicatedTo => ReplicationMark.Parse(Replicated);

    public string FullName => $"{Dataset}@{Name}";

    /// <summary>The time the snapshot stands for: its name's time when this tool made it, otherwise its creation.</summary>
    public DateTimeOffset Time => Own?.Time ?? Creation;
}
