namespace ZfsAnsible.Domain.Snapshots;

/// <summary>
/// One existing snapshot as ZFS reports it. <paramref name="CreateTxg"/> orders snapshots even when their
/// creation seconds are equal; <paramref name="Own"/> is set only for names this tool made.
/// </summary>
/// <param name="UserRefs">Number of user holds; a held snapshot is never destroyed.</param>
/// <param name="ReplicationMark">The snapshot carries zfsansible:replicated (set by zfs_replicate after a transfer).</param>
public sealed record Snapshot(string Dataset, string Name, long CreateTxg, DateTimeOffset Creation, int UserRefs, bool ReplicationMark)
{
    public SnapshotName? Own { get; } = SnapshotName.TryParse(Name);

    public string FullName => $"{Dataset}@{Name}";

    /// <summary>The time the snapshot stands for: its name's time when this tool made it, otherwise its creation.</summary>
    public DateTimeOffset Time => Own?.Time ?? Creation;
}
