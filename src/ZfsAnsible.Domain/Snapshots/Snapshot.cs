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

    public ImmutableSortedSet<string> ReplicatedTo => ReplicationMark.Parse(Replicated);

    public string FullName => $"{Dataset}@{Name}";

    /// <summary>The time the snapshot stands for: its name's time when this tool made it, otherwise its creation.</summary>
    public DateTimeOffset Time => Own?.Time ?? Creation;
}
